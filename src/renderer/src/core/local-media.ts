/**
 * Our side of the call's media: the camera and microphone tracks we send (opened from the device catalogue,
 * switched, and replaced when a device goes away), mute and camera-off, screen sharing instead of the camera, the
 * speaker choice and the microphone level. Camera and microphone go through one code path, told apart only by
 * their kind. Every new outgoing track is handed to the transport through the track hook (`replaceTrack`), so a
 * switch never renegotiates.
 */
import { createLogger } from '../../../shared/logger'
import { DEVICE_KEYS, INPUT_KINDS, groupDevices, preferenceFor, preferredDevice } from './devices'
import type { DevicePreferences, InputKind, MediaDevicesLike } from './devices'
import { Emitter } from './emitter'
import type { LevelMeter } from './level-meter'
import { describeMediaError, errorName } from './media-errors'
import type { MediaKind } from './peer-connection'
import { loadPreferences, savePreferences } from './preferences'
import { CAMERA_CAPTURE } from './video-ladder'
import type { CallError, DeviceInfo, DeviceKind, MediaNotice, MediaState, MediaSubject } from './types'

const log = createLogger('local-media')

export interface LocalMediaOptions {
  /** Defaults to `navigator.mediaDevices`. */
  devices?: MediaDevicesLike
  /**
   * Camera constraints besides the device (default CAMERA_CAPTURE, 1280x720 at 24 fps, as ideals: the mesh's ladder
   * sends all of it to up to two peers and scales it down for more).
   */
  video?: MediaTrackConstraints
  /**
   * Microphone constraints besides the device and the processing the user chose (default: automatic gain
   * control; echo cancellation and noise suppression follow `setAudioProcessing` and the preferences).
   */
  audio?: MediaTrackConstraints
  /** Remember device choices in localStorage (default true). */
  persist?: boolean
}

/** Called with each new outgoing track; the Call installs one that calls MediaTransport.replaceTrack. */
export type TrackHook = (kind: MediaKind, track: MediaStreamTrack | null) => void | Promise<void>

/** The notices in English, for logs; the UI words them from `noticeCode`. */
const NOTICE_TEXT: Record<MediaNotice, string> = {
  'no-media-api': 'This browser gives no access to cameras or microphones: you can watch and listen only.',
  'no-devices':
    'No camera or microphone is available: you can watch and listen, but others will not see or hear you.',
  'no-camera': 'No camera found: others will hear you but not see you.',
  'no-microphone': 'No microphone found: others will see you but not hear you.'
}

/** The track kind each input sends, and how it is named to the user. */
const INPUT = {
  camera: { media: 'video', what: 'camera' },
  microphone: { media: 'audio', what: 'microphone' }
} as const satisfies Record<InputKind, { media: MediaKind; what: MediaSubject }>

const INITIAL_STATE: MediaState = Object.freeze({
  cameras: [],
  microphones: [],
  speakers: [],
  cameraId: null,
  microphoneId: null,
  speakerId: null,
  localStream: null,
  muted: false,
  cameraOff: false,
  sharingScreen: false,
  noiseSuppression: true,
  echoCancellation: true,
  notice: null,
  noticeCode: null,
  error: null
})

/** The microphone processing a user can turn off: the browser's own, asked for through constraints. */
export interface AudioProcessing {
  noiseSuppression: boolean
  echoCancellation: boolean
}

export class LocalMedia {
  private current: MediaState = INITIAL_STATE
  private readonly emitter = new Emitter<{ change: (state: MediaState) => void }>()
  private readonly devices: MediaDevicesLike | undefined
  private readonly constraints: Record<InputKind, MediaTrackConstraints>
  private readonly persist: boolean
  /** The open camera and microphone tracks (the camera's even while the screen is shared). */
  private readonly inputs: Record<InputKind, MediaStreamTrack | null> = { camera: null, microphone: null }
  private screenTrack: MediaStreamTrack | null = null
  private trackHook: TrackHook | null = null
  /** What the user chose (by id and label); taken back when that device returns after being unplugged. */
  private preferred: DevicePreferences = {}
  private started = false
  /**
   * The microphone's level meter, made at the first reading: its code (and the screen picker's) loads after
   * startup, while the lobby opens the microphone, so the startup bundle does not carry it (a 45 KB budget).
   */
  private meter: LevelMeter | null = null
  private meterLoading: Promise<void> | null = null
  /** Serialises device operations: a devicechange during a switch must not interleave with it. */
  private queue: Promise<unknown> = Promise.resolve()
  private readonly onDeviceChange = (): void => {
    void this.serial(() => this.handleDeviceChange())
  }

  constructor(options: LocalMediaOptions = {}) {
    this.devices = options.devices ?? globalThis.navigator?.mediaDevices
    this.constraints = {
      camera: options.video ?? {
        width: { ideal: CAMERA_CAPTURE.width },
        height: { ideal: CAMERA_CAPTURE.height },
        frameRate: { ideal: CAMERA_CAPTURE.frameRate }
      },
      microphone: options.audio ?? { autoGainControl: true }
    }
    this.persist = options.persist ?? true
    if (this.persist) {
      const { noiseSuppression, echoCancellation } = loadPreferences()
      this.current = Object.freeze({ ...this.current, noiseSuppression, echoCancellation })
    }
  }

  get state(): MediaState {
    return this.current
  }

  /** The microphone track being sent, or null. */
  get audioTrack(): MediaStreamTrack | null {
    return this.inputs.microphone
  }

  /** The video track being sent: the screen while sharing, else the camera; null without either. */
  get videoTrack(): MediaStreamTrack | null {
    return this.screenTrack ?? this.inputs.camera
  }

  subscribe(listener: (state: MediaState) => void): () => void {
    return this.emitter.on('change', listener)
  }

  /** Installs the function that hands each new outgoing track to the peers (one at a time; null removes it). */
  setTrackHook(hook: TrackHook | null): void {
    this.trackHook = hook
  }

  /**
   * Opens the preferred camera and microphone (by id, else by label, else the defaults). Without a camera, or
   * without any device, or when permission is denied, it still resolves: the user joins receive-only and
   * `state.notice` / `state.error` say why.
   */
  start(preferences?: DevicePreferences): Promise<void> {
    return this.serial(() => this.doStart(preferences ?? (this.persist ? loadPreferences() : {})))
  }

  /**
   * Turns the browser's noise suppression or echo cancellation on or off, on the microphone being sent (live:
   * applyConstraints, or a fresh capture of the same microphone where the browser cannot change it on a running
   * track, handed to the peers with replaceTrack) and for every microphone opened later; remembered.
   */
  setAudioProcessing(changes: Partial<AudioProcessing>): Promise<void> {
    return this.serial(async () => {
      this.update(changes)
      if (this.persist) {
        const { noiseSuppression, echoCancellation } = this.current
        savePreferences({ noiseSuppression, echoCancellation })
      }
      const track = this.inputs.microphone
      if (track === null) return
      const wanted = this.processing()
      try {
        await track.applyConstraints({ ...track.getConstraints(), ...wanted })
      } catch (error) {
        log.info('applyConstraints refused the microphone processing; capturing again', {
          error: String(error)
        })
      }
      const settings = track.getSettings()
      const applied = (Object.keys(wanted) as (keyof AudioProcessing)[]).every(
        (key) => settings[key] === undefined || settings[key] === wanted[key]
      )
      if (applied) return
      // Chromium shares one echo-cancelling capture per device: while this track lives, a new capture would get
      // its processing. Stopping it first costs a moment of silence, once, when the user flips the switch.
      track.stop()
      await this.openInput('microphone', this.current.microphoneId)
    })
  }

  /** Re-reads the device lists (also done on every `devicechange`). */
  refreshDevices(): Promise<void> {
    return this.serial(async () => {
      await this.readDevices()
    })
  }

  /**
   * Switches to another device of `kind` and remembers the choice. A camera or microphone opens a new track that
   * replaces the old one on every peer, then the old one stops; a speaker is applied by the components' media
   * elements (`applySpeaker`).
   */
  selectDevice(kind: DeviceKind, id: string): Promise<void> {
    return this.serial(async () => {
      const device = (this.current[DEVICE_KEYS[kind].list] as DeviceInfo[]).find((d) => d.id === id)
      const choice = preferenceFor(kind, id, device)
      this.preferred = { ...this.preferred, ...choice }
      if (this.persist) savePreferences(choice)
      if (kind === 'speaker') this.update({ speakerId: id })
      else await this.openInput(kind, id)
    })
  }

  /** Mutes by disabling the track: peers receive silence, nothing is renegotiated. */
  setMuted(muted: boolean): void {
    if (this.inputs.microphone !== null) this.inputs.microphone.enabled = !muted
    this.update({ muted })
  }

  /** Turns the camera off by disabling its track (peers receive black frames), keeping the device open. */
  setCameraOff(off: boolean): void {
    if (this.inputs.camera !== null) this.inputs.camera.enabled = !off
    this.update({ cameraOff: off })
  }

  /** Shares a screen or window instead of the camera. Resolves false when the user cancels or it fails. */
  startScreenShare(): Promise<boolean> {
    return this.serial(async () => {
      if (this.screenTrack !== null) return true
      // Fetched in doStart, so normally cached by the time someone clicks: the click's activation lasts seconds.
      const { captureScreen } = await import('./screen-share')
      const capture = await captureScreen(this.devices)
      if (!capture.ok) {
        if (capture.error !== null) this.update({ error: capture.error })
        return false
      }
      const { track } = capture
      track.addEventListener('ended', () => void this.stopScreenShare())
      this.screenTrack = track
      await this.hand('video', track)
      this.update({ sharingScreen: true, localStream: this.buildStream(), error: null })
      return true
    })
  }

  /** Goes back to the camera (also happens when the shared source ends, e.g. the browser's "Stop sharing"). */
  stopScreenShare(): Promise<void> {
    return this.serial(async () => {
      const track = this.screenTrack
      if (track === null) return
      this.screenTrack = null
      await this.hand('video', this.inputs.camera)
      track.stop()
      this.update({ sharingScreen: false, localStream: this.buildStream() })
    })
  }

  /** Microphone level, 0..1, for the level meter; 0 without a microphone. */
  audioLevel(): number {
    if (this.meter !== null) return this.meter.level(this.inputs.microphone)
    this.meterLoading ??= import('./level-meter').then(
      ({ LevelMeter }) => {
        this.meter = new LevelMeter()
      },
      (error: unknown) => {
        // The page's server went away mid-fetch: the next reading tries again.
        log.warn('could not load the level meter', { error: String(error) })
        this.meterLoading = null
      }
    )
    return 0
  }

  /** Stops every track and stops watching devices. */
  stop(): void {
    this.devices?.removeEventListener('devicechange', this.onDeviceChange)
    this.started = false
    for (const track of [this.inputs.camera, this.inputs.microphone, this.screenTrack]) track?.stop()
    this.inputs.camera = null
    this.inputs.microphone = null
    this.screenTrack = null
    this.meter?.close()
    this.update({ localStream: null, sharingScreen: false, cameraId: null, microphoneId: null })
  }

  private async doStart(preferences: DevicePreferences): Promise<void> {
    if (this.started) return
    this.started = true
    void import('./screen-share').catch(() => undefined)
    this.preferred = { ...preferences }
    this.devices?.addEventListener('devicechange', this.onDeviceChange)
    if (this.devices === undefined) {
      this.update({
        notice: NOTICE_TEXT['no-media-api'],
        noticeCode: 'no-media-api',
        error: {
          code: 'media-unavailable',
          device: 'camera and microphone',
          message: 'Camera and microphone access is not available here.'
        }
      })
      return
    }
    let listed = await this.readDevices()
    // Before permission is granted, browsers list each kind once with an empty id (not selectable, so not in
    // `listed`): that entry still means a device exists and getUserMedia must be asked, which prompts the user.
    const present = await this.kindsPresent()
    const wanted = INPUT_KINDS.filter(
      (kind) => listed[kind].length > 0 || present.has(kind === 'camera' ? 'videoinput' : 'audioinput')
    )
    const errors: CallError[] = []

    if (wanted.length > 0) {
      const constraints: MediaStreamConstraints = { audio: false, video: false }
      for (const kind of wanted) {
        const id = preferences[DEVICE_KEYS[kind].preferId] ?? null
        constraints[INPUT[kind].media] = this.constraintsFor(kind, id, 'ideal')
      }
      try {
        // One prompt for both, and one permission decision.
        const stream = await this.devices.getUserMedia(constraints)
        this.adoptTrack('microphone', stream.getAudioTracks()[0] ?? null)
        this.adoptTrack('camera', stream.getVideoTracks()[0] ?? null)
        // A call may already be under way (the join does not wait for the camera).
        await this.hand('audio', this.inputs.microphone)
        await this.hand('video', this.videoTrack)
      } catch (error) {
        log.warn('getUserMedia failed for camera and microphone together', { error: String(error) })
        if (errorName(error) === 'NotAllowedError' || errorName(error) === 'SecurityError') {
          errors.push(describeMediaError(error, 'camera and microphone'))
        } else {
          // One broken device must not cost the other: try each on its own.
          for (const kind of ['microphone', 'camera'] as const) {
            if (!wanted.includes(kind)) continue
            await this.openInput(kind, preferences[DEVICE_KEYS[kind].preferId] ?? null, errors)
          }
        }
      }
      // Labels and stable ids are only visible once permission is granted.
      listed = await this.readDevices()
      await this.takeBackPreferred(listed)
    }

    const notice = this.noticeFor()
    if (notice.notice !== null) log.info(notice.notice)
    this.update({ localStream: this.buildStream(), ...notice, error: errors[0] ?? null })
  }

  private noticeFor(): Pick<MediaState, 'notice' | 'noticeCode'> {
    const camera = this.inputs.camera !== null
    const microphone = this.inputs.microphone !== null
    const code: MediaNotice | null =
      camera && microphone
        ? null
        : !camera && !microphone
          ? 'no-devices'
          : !camera
            ? 'no-camera'
            : 'no-microphone'
    return { notice: code === null ? null : NOTICE_TEXT[code], noticeCode: code }
  }

  /** Preferred ids are per-origin and may change; the label identifies the same device again. */
  private async takeBackPreferred(listed: Record<DeviceKind, DeviceInfo[]>): Promise<void> {
    for (const kind of INPUT_KINDS) {
      const device = preferredDevice(listed[kind], kind, this.preferred)
      const inUse = this.current[DEVICE_KEYS[kind].selected]
      if (device !== null && this.inputs[kind] !== null && device.id !== inUse) {
        await this.openInput(kind, device.id)
      }
    }
    this.update({ speakerId: preferredDevice(listed.speaker, 'speaker', this.preferred)?.id ?? null })
  }

  private async handleDeviceChange(): Promise<void> {
    if (!this.started) return
    const listed = await this.readDevices()
    for (const kind of INPUT_KINDS) {
      const devices = listed[kind]
      const inUse = this.current[DEVICE_KEYS[kind].selected]
      // A device in use that disappeared: fall back to another one of the same kind (or none).
      if (inUse !== null && !devices.some((d) => d.id === inUse)) {
        log.info(`${kind} removed, falling back`, { id: inUse })
        await this.openInput(kind, devices[0]?.id ?? null)
      }
      // A device plugged in while we had none, or the preferred device coming back.
      const preferred = preferredDevice(devices, kind, this.preferred)
      const candidate = preferred ?? devices[0]
      if (
        candidate !== undefined &&
        (this.inputs[kind] === null ||
          (preferred !== null && preferred.id !== this.current[DEVICE_KEYS[kind].selected]))
      ) {
        await this.openInput(kind, candidate.id)
      }
    }
    this.update(this.noticeFor())
  }

  /** The kinds of device the browser reports, counting entries it hides the id of until permission is given. */
  private async kindsPresent(): Promise<Set<MediaDeviceKind>> {
    try {
      const raw = (await this.devices?.enumerateDevices()) ?? []
      return new Set(raw.map((device) => device.kind))
    } catch {
      return new Set()
    }
  }

  private async readDevices(): Promise<Record<DeviceKind, DeviceInfo[]>> {
    let raw: MediaDeviceInfo[] = []
    try {
      raw = (await this.devices?.enumerateDevices()) ?? []
    } catch (error) {
      log.warn('enumerateDevices failed', { error: String(error) })
    }
    const grouped = groupDevices(raw)
    this.update({ cameras: grouped.camera, microphones: grouped.microphone, speakers: grouped.speaker })
    return grouped
  }

  /**
   * Opens input `id` of `kind` (null: the default one) and makes it the outgoing track of its kind. A failure
   * goes to `errors` when given (start collects them), else into the state.
   */
  private async openInput(kind: InputKind, id: string | null, errors?: CallError[]): Promise<void> {
    if (this.devices === undefined) return
    const media = INPUT[kind].media
    try {
      const stream = await this.devices.getUserMedia({ [media]: this.constraintsFor(kind, id, 'exact') })
      const track = (media === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks())[0] ?? null
      await this.replaceInput(kind, track)
      this.update({ error: null })
    } catch (error) {
      const described = describeMediaError(error, INPUT[kind].what)
      log.warn(`could not open ${kind}`, { id, error: String(error) })
      if (errors !== undefined) errors.push(described)
      else this.update({ error: described })
    }
  }

  /** Swaps in a new camera or microphone track: peers first, then the old track stops (no gap, no leak). */
  private async replaceInput(kind: InputKind, track: MediaStreamTrack | null): Promise<void> {
    const old = this.inputs[kind]
    this.adoptTrack(kind, track)
    // While sharing the screen the camera is not what peers see; it takes over again on stopScreenShare.
    if (!(kind === 'camera' && this.screenTrack !== null)) await this.hand(INPUT[kind].media, track)
    if (old !== null && old !== track) old.stop()
    this.update({ localStream: this.buildStream() })
  }

  private adoptTrack(kind: InputKind, track: MediaStreamTrack | null): void {
    if (track !== null) {
      // Mute and camera-off survive a device switch.
      track.enabled = kind === 'microphone' ? !this.current.muted : !this.current.cameraOff
      // A device unplugged mid-call ends its track; treat it like a devicechange.
      track.addEventListener('ended', () => {
        if (this.inputs[kind] === track) this.onDeviceChange()
      })
    }
    this.inputs[kind] = track
    this.update({ [DEVICE_KEYS[kind].selected]: track?.getSettings().deviceId ?? null })
  }

  private async hand(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    try {
      await this.trackHook?.(kind, track)
    } catch (error) {
      log.error('handing the new track to peers failed', { kind, error: String(error) })
    }
  }

  private processing(): AudioProcessing {
    return {
      noiseSuppression: this.current.noiseSuppression,
      echoCancellation: this.current.echoCancellation
    }
  }

  private constraintsFor(kind: InputKind, id: string | null, mode: 'ideal' | 'exact'): MediaTrackConstraints {
    const base =
      kind === 'microphone' ? { ...this.constraints[kind], ...this.processing() } : this.constraints[kind]
    return id === null ? { ...base } : { ...base, deviceId: { [mode]: id } }
  }

  private buildStream(): MediaStream | null {
    const tracks = [this.inputs.microphone, this.screenTrack ?? this.inputs.camera].filter(
      (t): t is MediaStreamTrack => t !== null
    )
    return tracks.length === 0 ? null : new MediaStream(tracks)
  }

  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation, operation)
    this.queue = run.catch(() => undefined)
    return run
  }

  private update(changes: Partial<MediaState>): void {
    const next = { ...this.current, ...changes }
    const keys = Object.keys(changes) as (keyof MediaState)[]
    if (keys.every((key) => Object.is(this.current[key], next[key]))) return
    this.current = Object.freeze(next)
    this.emitter.emit('change', this.current)
  }
}

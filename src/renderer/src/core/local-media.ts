/**
 * The local camera, microphone and speaker: which devices exist, which are in use, mute/camera-off, screen
 * sharing and the microphone level. Device switches produce a new track that the Call hands to every peer through
 * `replaceTrack` (installed with `setTrackHook`), so a switch never renegotiates.
 */
import { createLogger } from '../../../shared/logger'
import { Emitter } from './emitter'
import type { MediaKind } from './peer-connection'
import { loadPreferences, savePreferences } from './preferences'
import type { Preferences } from './preferences'
import type { CallError, DeviceInfo, DeviceKind, MediaState } from './types'

const log = createLogger('local-media')

/** The parts of `navigator.mediaDevices` LocalMedia uses; tests pass a stand-in to simulate missing devices. */
export type MediaDevicesLike = Pick<
  MediaDevices,
  'getUserMedia' | 'enumerateDevices' | 'getDisplayMedia' | 'addEventListener' | 'removeEventListener'
>

export type DevicePreferences = Partial<
  Pick<
    Preferences,
    'cameraId' | 'cameraLabel' | 'microphoneId' | 'microphoneLabel' | 'speakerId' | 'speakerLabel'
  >
>

export interface LocalMediaOptions {
  /** Defaults to `navigator.mediaDevices`. */
  devices?: MediaDevicesLike
  /** Camera constraints besides the device (default 640x360 ideal, 24 fps ideal: enough for a mesh). */
  video?: MediaTrackConstraints
  /** Microphone constraints besides the device (default: echo cancellation, noise suppression, AGC). */
  audio?: MediaTrackConstraints
  /** Remember device choices in localStorage (default true). */
  persist?: boolean
}

/** Called with each new outgoing track; the Call installs one that calls MediaTransport.replaceTrack. */
export type TrackHook = (kind: MediaKind, track: MediaStreamTrack | null) => void | Promise<void>

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
  notice: null,
  error: null
})

const KIND_OF: Record<MediaDeviceKind, DeviceKind> = {
  videoinput: 'camera',
  audioinput: 'microphone',
  audiooutput: 'speaker'
}

const FALLBACK_LABEL: Record<DeviceKind, string> = {
  camera: 'Camera',
  microphone: 'Microphone',
  speaker: 'Speaker'
}

/**
 * Groups `enumerateDevices()` output by kind, without duplicates. The "default" entry stays (it follows the
 * system's choice, and a track opened without a device id reports it as its deviceId); Windows' "communications"
 * alias goes when real entries exist. Unlabelled devices (before permission) get "Camera 1" etc.
 */
export function groupDevices(devices: readonly MediaDeviceInfo[]): Record<DeviceKind, DeviceInfo[]> {
  const groups: Record<DeviceKind, DeviceInfo[]> = { camera: [], microphone: [], speaker: [] }
  for (const kind of ['camera', 'microphone', 'speaker'] as const) {
    const ofKind = devices.filter((d) => KIND_OF[d.kind] === kind && d.deviceId !== '')
    const real = ofKind.filter((d) => d.deviceId !== 'communications')
    const chosen = real.length > 0 ? real : ofKind
    const seen = new Set<string>()
    for (const device of chosen) {
      if (seen.has(device.deviceId)) continue
      seen.add(device.deviceId)
      groups[kind].push({
        id: device.deviceId,
        kind,
        label: device.label || `${FALLBACK_LABEL[kind]} ${groups[kind].length + 1}`
      })
    }
  }
  return groups
}

/** Plays a media element through the chosen speaker, where the browser supports choosing one. */
export async function applySpeaker(element: HTMLMediaElement, id: string | null): Promise<void> {
  const withSink = element as HTMLMediaElement & {
    setSinkId?: (id: string) => Promise<void>
    sinkId?: string
  }
  if (typeof withSink.setSinkId !== 'function') return
  const sink = id ?? ''
  if (withSink.sinkId === sink) return
  try {
    await withSink.setSinkId(sink)
  } catch (error) {
    log.warn('could not select speaker', { id, error: String(error) })
  }
}

function errorName(error: unknown): string {
  return error instanceof DOMException || error instanceof Error ? error.name : ''
}

/** A user-facing explanation of a getUserMedia/getDisplayMedia failure. */
export function describeMediaError(error: unknown, what: string): CallError {
  switch (errorName(error)) {
    case 'NotAllowedError':
    case 'SecurityError':
      return {
        code: 'media-denied',
        message: `Permission to use the ${what} was denied. Allow it in the browser or system settings, then try again; until then others cannot see or hear you.`
      }
    case 'NotReadableError':
    case 'AbortError':
      return {
        code: 'media-unavailable',
        message: `The ${what} could not be started: another application may be using it.`
      }
    case 'NotFoundError':
    case 'OverconstrainedError':
      return {
        code: 'media-unavailable',
        message: `The selected ${what} was not found. It may have been unplugged.`
      }
    default:
      return { code: 'media-unavailable', message: `The ${what} could not be started (${String(error)}).` }
  }
}

export class LocalMedia {
  private current: MediaState = INITIAL_STATE
  private readonly emitter = new Emitter<{ change: (state: MediaState) => void }>()
  private readonly devices: MediaDevicesLike | undefined
  private readonly videoConstraints: MediaTrackConstraints
  private readonly audioConstraints: MediaTrackConstraints
  private readonly persist: boolean
  private cameraTrack: MediaStreamTrack | null = null
  private microphoneTrack: MediaStreamTrack | null = null
  private screenTrack: MediaStreamTrack | null = null
  private trackHook: TrackHook | null = null
  /** What the user chose (by id and label); taken back when that device returns after being unplugged. */
  private preferred: DevicePreferences = {}
  private started = false
  private audioContext: AudioContext | null = null
  private analyser: AnalyserNode | null = null
  private analyserSource: MediaStreamAudioSourceNode | null = null
  private levelBuffer: Float32Array<ArrayBuffer> | null = null
  /** Serialises device operations: a devicechange during a switch must not interleave with it. */
  private queue: Promise<unknown> = Promise.resolve()
  private readonly onDeviceChange = (): void => {
    void this.serial(() => this.handleDeviceChange())
  }

  constructor(options: LocalMediaOptions = {}) {
    this.devices = options.devices ?? globalThis.navigator?.mediaDevices
    this.videoConstraints = options.video ?? {
      width: { ideal: 640 },
      height: { ideal: 360 },
      frameRate: { ideal: 24 }
    }
    this.audioConstraints = options.audio ?? {
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true
    }
    this.persist = options.persist ?? true
  }

  get state(): MediaState {
    return this.current
  }

  /** The microphone track being sent, or null. */
  get audioTrack(): MediaStreamTrack | null {
    return this.microphoneTrack
  }

  /** The video track being sent: the screen while sharing, else the camera; null without either. */
  get videoTrack(): MediaStreamTrack | null {
    return this.screenTrack ?? this.cameraTrack
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

  /** Re-reads the device lists (also done on every `devicechange`). */
  refreshDevices(): Promise<void> {
    return this.serial(async () => {
      await this.readDevices()
    })
  }

  /** Switches to another camera: a new track replaces the old one on every peer, then the old one stops. */
  selectCamera(id: string): Promise<void> {
    return this.serial(async () => {
      const device = this.current.cameras.find((d) => d.id === id)
      this.preferred = { ...this.preferred, cameraId: id, cameraLabel: device?.label ?? null }
      this.remember({ cameraId: id, cameraLabel: device?.label ?? null })
      await this.openCamera(id)
    })
  }

  /** Switches to another microphone, like selectCamera. */
  selectMicrophone(id: string): Promise<void> {
    return this.serial(async () => {
      const device = this.current.microphones.find((d) => d.id === id)
      this.preferred = { ...this.preferred, microphoneId: id, microphoneLabel: device?.label ?? null }
      this.remember({ microphoneId: id, microphoneLabel: device?.label ?? null })
      await this.openMicrophone(id)
    })
  }

  /** Remembers the speaker; components apply it to their media elements with `applySpeaker`. */
  selectSpeaker(id: string): void {
    const device = this.current.speakers.find((d) => d.id === id)
    this.preferred = { ...this.preferred, speakerId: id, speakerLabel: device?.label ?? null }
    this.remember({ speakerId: id, speakerLabel: device?.label ?? null })
    this.update({ speakerId: id })
  }

  /** Mutes by disabling the track: peers receive silence, nothing is renegotiated. */
  setMuted(muted: boolean): void {
    if (this.microphoneTrack !== null) this.microphoneTrack.enabled = !muted
    this.update({ muted })
  }

  /** Turns the camera off by disabling its track (peers receive black frames), keeping the device open. */
  setCameraOff(off: boolean): void {
    if (this.cameraTrack !== null) this.cameraTrack.enabled = !off
    this.update({ cameraOff: off })
  }

  /** Shares a screen or window instead of the camera. Resolves false when the user cancels or it fails. */
  startScreenShare(): Promise<boolean> {
    return this.serial(async () => {
      if (this.screenTrack !== null) return true
      if (this.devices === undefined || typeof this.devices.getDisplayMedia !== 'function') {
        this.update({
          error: { code: 'media-unavailable', message: 'Screen sharing is not available here.' }
        })
        return false
      }
      let stream: MediaStream
      try {
        stream = await this.devices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false })
      } catch (error) {
        // Cancelling the picker is a NotAllowedError too: not worth an error banner.
        if (errorName(error) !== 'NotAllowedError')
          this.update({ error: describeMediaError(error, 'screen') })
        return false
      }
      const track = stream.getVideoTracks()[0]
      if (track === undefined) return false
      // Text on a shared screen must stay sharp: encoders keep resolution and drop frame rate instead.
      track.contentHint = 'detail'
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
      await this.hand('video', this.cameraTrack)
      track.stop()
      this.update({ sharingScreen: false, localStream: this.buildStream() })
    })
  }

  /** Microphone level, 0..1, for the level meter; 0 without a microphone. */
  audioLevel(): number {
    if (this.microphoneTrack === null || this.microphoneTrack.readyState !== 'live') return 0
    if (this.analyser === null) this.connectAnalyser()
    const analyser = this.analyser
    const buffer = this.levelBuffer
    if (analyser === null || buffer === null) return 0
    analyser.getFloatTimeDomainData(buffer)
    let sum = 0
    for (const sample of buffer) sum += sample * sample
    const rms = Math.sqrt(sum / buffer.length)
    // Speech sits around 0.05-0.3 RMS; scale so normal speech fills most of the meter.
    return Math.min(1, rms * 4)
  }

  /** Stops every track and stops watching devices. */
  stop(): void {
    this.devices?.removeEventListener('devicechange', this.onDeviceChange)
    this.started = false
    for (const track of [this.cameraTrack, this.microphoneTrack, this.screenTrack]) track?.stop()
    this.cameraTrack = null
    this.microphoneTrack = null
    this.screenTrack = null
    this.disconnectAnalyser()
    void this.audioContext?.close().catch(() => undefined)
    this.audioContext = null
    this.update({ localStream: null, sharingScreen: false, cameraId: null, microphoneId: null })
  }

  private async doStart(preferences: DevicePreferences): Promise<void> {
    if (this.started) return
    this.started = true
    this.preferred = { ...preferences }
    this.devices?.addEventListener('devicechange', this.onDeviceChange)
    if (this.devices === undefined) {
      this.update({
        notice: 'This browser gives no access to cameras or microphones: you can watch and listen only.',
        error: { code: 'media-unavailable', message: 'Camera and microphone access is not available here.' }
      })
      return
    }
    let listed = await this.readDevices()
    // Before permission is granted, browsers list each kind once with an empty id (not selectable, so not in
    // `listed`): that entry still means a device exists and getUserMedia must be asked, which prompts the user.
    const present = await this.kindsPresent()
    const wantVideo = listed.camera.length > 0 || present.has('videoinput')
    const wantAudio = listed.microphone.length > 0 || present.has('audioinput')
    const errors: CallError[] = []

    if (wantAudio || wantVideo) {
      try {
        const stream = await this.devices.getUserMedia({
          audio: wantAudio ? this.audioFor(preferences.microphoneId ?? null, 'ideal') : false,
          video: wantVideo ? this.videoFor(preferences.cameraId ?? null, 'ideal') : false
        })
        this.adoptTrack('audio', stream.getAudioTracks()[0] ?? null)
        this.adoptTrack('video', stream.getVideoTracks()[0] ?? null)
      } catch (error) {
        log.warn('getUserMedia failed for camera and microphone together', { error: String(error) })
        if (errorName(error) === 'NotAllowedError' || errorName(error) === 'SecurityError') {
          errors.push(describeMediaError(error, 'camera and microphone'))
        } else {
          // One broken device must not cost the other: try each on its own.
          if (wantAudio) await this.openMicrophone(preferences.microphoneId ?? null, errors)
          if (wantVideo) await this.openCamera(preferences.cameraId ?? null, errors)
        }
      }
      // Labels and stable ids are only visible once permission is granted.
      listed = await this.readDevices()
      await this.takeBackPreferred(listed)
    }

    const notice = this.noticeFor()
    if (notice !== null) log.info(notice)
    this.update({ localStream: this.buildStream(), notice, error: errors[0] ?? null })
  }

  private noticeFor(): string | null {
    const camera = this.cameraTrack !== null
    const microphone = this.microphoneTrack !== null
    if (camera && microphone) return null
    if (!camera && !microphone) {
      return 'No camera or microphone is available: you can watch and listen, but others will not see or hear you.'
    }
    if (!camera) return 'No camera found: others will hear you but not see you.'
    return 'No microphone found: others will see you but not hear you.'
  }

  /** Preferred ids are per-origin and may change; the label identifies the same device again. */
  private async takeBackPreferred(listed: Record<DeviceKind, DeviceInfo[]>): Promise<void> {
    const camera = pick(listed.camera, this.preferred.cameraId, this.preferred.cameraLabel)
    if (camera !== null && this.cameraTrack !== null && camera.id !== this.current.cameraId) {
      await this.openCamera(camera.id)
    }
    const microphone = pick(listed.microphone, this.preferred.microphoneId, this.preferred.microphoneLabel)
    if (microphone !== null && this.microphoneTrack !== null && microphone.id !== this.current.microphoneId) {
      await this.openMicrophone(microphone.id)
    }
    const speaker = pick(listed.speaker, this.preferred.speakerId, this.preferred.speakerLabel)
    this.update({ speakerId: speaker?.id ?? null })
  }

  private async handleDeviceChange(): Promise<void> {
    if (!this.started) return
    const listed = await this.readDevices()
    // A device in use that disappeared: fall back to another one of the same kind (or none).
    if (this.current.cameraId !== null && !listed.camera.some((d) => d.id === this.current.cameraId)) {
      log.info('camera removed, falling back', { id: this.current.cameraId })
      await this.openCamera(listed.camera[0]?.id ?? null)
    }
    if (
      this.current.microphoneId !== null &&
      !listed.microphone.some((d) => d.id === this.current.microphoneId)
    ) {
      log.info('microphone removed, falling back', { id: this.current.microphoneId })
      await this.openMicrophone(listed.microphone[0]?.id ?? null)
    }
    // A camera plugged in while we had none, or the preferred device coming back.
    const camera =
      pick(listed.camera, this.preferred.cameraId, this.preferred.cameraLabel) ?? listed.camera[0]
    if (
      camera !== undefined &&
      (this.cameraTrack === null ||
        (matches(camera, this.preferred.cameraId, this.preferred.cameraLabel) &&
          camera.id !== this.current.cameraId))
    ) {
      await this.openCamera(camera.id)
    }
    const microphone =
      pick(listed.microphone, this.preferred.microphoneId, this.preferred.microphoneLabel) ??
      listed.microphone[0]
    if (
      microphone !== undefined &&
      (this.microphoneTrack === null ||
        (matches(microphone, this.preferred.microphoneId, this.preferred.microphoneLabel) &&
          microphone.id !== this.current.microphoneId))
    ) {
      await this.openMicrophone(microphone.id)
    }
    this.update({ notice: this.noticeFor() })
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

  /** Opens camera `id` (null: the default one) and makes it the outgoing camera track. */
  private async openCamera(id: string | null, errors?: CallError[]): Promise<void> {
    if (this.devices === undefined) return
    try {
      const stream = await this.devices.getUserMedia({ video: this.videoFor(id, 'exact') })
      const track = stream.getVideoTracks()[0] ?? null
      await this.replaceLocal('video', track)
      this.update({ error: null })
    } catch (error) {
      const described = describeMediaError(error, 'camera')
      log.warn('could not open camera', { id, error: String(error) })
      if (errors !== undefined) errors.push(described)
      else this.update({ error: described })
    }
  }

  private async openMicrophone(id: string | null, errors?: CallError[]): Promise<void> {
    if (this.devices === undefined) return
    try {
      const stream = await this.devices.getUserMedia({ audio: this.audioFor(id, 'exact') })
      const track = stream.getAudioTracks()[0] ?? null
      await this.replaceLocal('audio', track)
      this.update({ error: null })
    } catch (error) {
      const described = describeMediaError(error, 'microphone')
      log.warn('could not open microphone', { id, error: String(error) })
      if (errors !== undefined) errors.push(described)
      else this.update({ error: described })
    }
  }

  /** Swaps in a new camera or microphone track: peers first, then the old track stops (no gap, no leak). */
  private async replaceLocal(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    const old = kind === 'audio' ? this.microphoneTrack : this.cameraTrack
    this.adoptTrack(kind, track)
    // While sharing the screen the camera is not what peers see; it takes over again on stopScreenShare.
    if (!(kind === 'video' && this.screenTrack !== null)) await this.hand(kind, track)
    if (old !== null && old !== track) old.stop()
    if (kind === 'audio') this.disconnectAnalyser()
    this.update({ localStream: this.buildStream() })
  }

  private adoptTrack(kind: MediaKind, track: MediaStreamTrack | null): void {
    if (track !== null) {
      // Mute and camera-off survive a device switch.
      track.enabled = kind === 'audio' ? !this.current.muted : !this.current.cameraOff
      // A device unplugged mid-call ends its track; treat it like a devicechange.
      track.addEventListener('ended', () => {
        if ((kind === 'audio' ? this.microphoneTrack : this.cameraTrack) === track) this.onDeviceChange()
      })
    }
    const id = track?.getSettings().deviceId ?? null
    if (kind === 'audio') {
      this.microphoneTrack = track
      this.update({ microphoneId: id })
    } else {
      this.cameraTrack = track
      this.update({ cameraId: id })
    }
  }

  private async hand(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    try {
      await this.trackHook?.(kind, track)
    } catch (error) {
      log.error('handing the new track to peers failed', { kind, error: String(error) })
    }
  }

  private videoFor(id: string | null, mode: 'ideal' | 'exact'): MediaTrackConstraints {
    return id === null ? { ...this.videoConstraints } : { ...this.videoConstraints, deviceId: { [mode]: id } }
  }

  private audioFor(id: string | null, mode: 'ideal' | 'exact'): MediaTrackConstraints {
    return id === null ? { ...this.audioConstraints } : { ...this.audioConstraints, deviceId: { [mode]: id } }
  }

  private buildStream(): MediaStream | null {
    const tracks = [this.microphoneTrack, this.screenTrack ?? this.cameraTrack].filter(
      (t): t is MediaStreamTrack => t !== null
    )
    return tracks.length === 0 ? null : new MediaStream(tracks)
  }

  private connectAnalyser(): void {
    if (this.microphoneTrack === null) return
    try {
      if (this.audioContext === null) {
        const context = new AudioContext()
        this.audioContext = context
        if (context.state === 'suspended') {
          // Autoplay policy: a context created before any user gesture stays suspended (a flat meter) until one.
          const resume = (): void => void context.resume().catch(() => undefined)
          resume()
          for (const type of ['pointerdown', 'keydown'] as const) {
            globalThis.addEventListener?.(type, resume, { once: true, capture: true })
          }
        }
      }
      this.analyserSource = this.audioContext.createMediaStreamSource(new MediaStream([this.microphoneTrack]))
      this.analyser = this.audioContext.createAnalyser()
      this.analyser.fftSize = 1024
      this.levelBuffer = new Float32Array(this.analyser.fftSize)
      this.analyserSource.connect(this.analyser)
    } catch (error) {
      log.warn('level meter unavailable', { error: String(error) })
      this.disconnectAnalyser()
    }
  }

  private disconnectAnalyser(): void {
    this.analyserSource?.disconnect()
    this.analyserSource = null
    this.analyser = null
    this.levelBuffer = null
  }

  private remember(changes: DevicePreferences): void {
    if (this.persist) savePreferences(changes)
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

function matches(
  device: DeviceInfo,
  id: string | null | undefined,
  label: string | null | undefined
): boolean {
  return (id != null && device.id === id) || (label != null && device.label === label)
}

/** The preferred device: by id first, then by label; null when neither is present. */
function pick(
  devices: DeviceInfo[],
  id: string | null | undefined,
  label: string | null | undefined
): DeviceInfo | null {
  return (
    devices.find((d) => id != null && d.id === id) ??
    devices.find((d) => label != null && d.label === label) ??
    null
  )
}

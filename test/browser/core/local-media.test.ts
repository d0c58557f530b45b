import { setLogLevel } from '../../../src/shared/logger'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { groupDevices } from '../../../src/renderer/src/core/devices'
import type { MediaDevicesLike } from '../../../src/renderer/src/core/devices'
import { LevelMeter } from '../../../src/renderer/src/core/level-meter'
import { LocalMedia } from '../../../src/renderer/src/core/local-media'
import type { MediaKind } from '../../../src/renderer/src/core/peer-connection'

// Tests assert on behaviour, not on log lines.
setLogLevel('silent')

const SMALL = { width: { ideal: 320 }, height: { ideal: 240 } }

/**
 * The real fake devices, seen through a filter: tests hide devices (no camera, an unplugged camera) and fire
 * `devicechange` themselves.
 */
class FilteredDevices extends EventTarget implements MediaDevicesLike {
  hidden = new Set<string>()
  denyAll = false

  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    const all = await navigator.mediaDevices.enumerateDevices()
    return all.filter((d) => !this.hidden.has(d.kind) && !this.hidden.has(d.label))
  }

  async getUserMedia(constraints?: MediaStreamConstraints): Promise<MediaStream> {
    if (this.denyAll) throw new DOMException('Permission denied', 'NotAllowedError')
    if (constraints?.video && this.hidden.has('videoinput')) {
      throw new DOMException('Requested device not found', 'NotFoundError')
    }
    return navigator.mediaDevices.getUserMedia(constraints)
  }

  getDisplayMedia(options?: DisplayMediaStreamOptions): Promise<MediaStream> {
    return navigator.mediaDevices.getDisplayMedia(options)
  }
}

async function idOf(label: string): Promise<string> {
  const device = (await navigator.mediaDevices.enumerateDevices()).find((d) => d.label === label)
  if (device === undefined) throw new Error(`no device labelled ${label}`)
  return device.deviceId
}

describe('LocalMedia', () => {
  let media: LocalMedia | undefined

  beforeEach(() => localStorage.clear())
  afterEach(() => media?.stop())

  it('lists cameras, microphones and speakers, and the devices in use are among them', async () => {
    media = new LocalMedia({ video: SMALL, persist: false })
    await media.start({})
    const { cameras, microphones, speakers } = media.state
    expect(cameras.map((d) => d.label)).toEqual(['fake_device_0', 'fake_device_1', 'fake_device_2'])
    expect(microphones.length).toBeGreaterThan(0)
    expect(speakers.length).toBeGreaterThan(0)
    expect(new Set(microphones.map((d) => d.id)).size).toBe(microphones.length)
    expect(media.state.cameraId).toBe(await idOf('fake_device_0'))
    // The selects show the device in use as selected: its id must be one of the options.
    expect(microphones.map((d) => d.id)).toContain(media.state.microphoneId)
    expect(
      media.state.localStream
        ?.getTracks()
        .map((t) => t.kind)
        .sort()
    ).toEqual(['audio', 'video'])
    expect(media.state.notice).toBeNull()
  })

  it('labels unnamed devices by kind and number and drops duplicates', () => {
    const fake = (kind: MediaDeviceKind, deviceId: string, label = '') =>
      ({ kind, deviceId, label, groupId: 'g' }) as MediaDeviceInfo
    const grouped = groupDevices([
      fake('videoinput', 'c1'),
      fake('videoinput', 'c1'),
      fake('videoinput', 'c2'),
      fake('audioinput', 'default', 'Default'),
      fake('audioinput', 'communications', 'Communications'),
      fake('audioinput', 'm1', 'Headset'),
      fake('audiooutput', 'communications', 'Communications')
    ])
    expect(grouped.camera.map((d) => d.label)).toEqual(['Camera 1', 'Camera 2'])
    expect(grouped.microphone.map((d) => d.id)).toEqual(['default', 'm1'])
    // With nothing else of its kind, the alias is all there is and is kept.
    expect(grouped.speaker.map((d) => d.id)).toEqual(['communications'])
  })

  it('hands the opened tracks to the hook, then on a camera switch the new one, and the old one stops', async () => {
    media = new LocalMedia({ video: SMALL, persist: false })
    const handed: [MediaKind, MediaStreamTrack | null][] = []
    media.setTrackHook((kind, track) => void handed.push([kind, track]))
    await media.start({})
    // A call under way when the devices open gets them too (a join does not wait for the camera).
    expect(handed).toEqual([
      ['audio', media.audioTrack],
      ['video', media.videoTrack]
    ])
    handed.length = 0
    const before = media.videoTrack!
    const target = await idOf('fake_device_2')
    await media.selectDevice('camera', target)
    const after = media.videoTrack!
    expect(after).not.toBe(before)
    expect(after.getSettings().deviceId).toBe(target)
    expect(media.state.cameraId).toBe(target)
    expect(before.readyState).toBe('ended')
    expect(handed).toEqual([['video', after]])
    expect(media.state.localStream?.getVideoTracks()[0]).toBe(after)
  })

  it('mutes and turns the camera off through track.enabled, and keeps that across a switch', async () => {
    media = new LocalMedia({ video: SMALL, persist: false })
    await media.start({})
    media.setMuted(true)
    media.setCameraOff(true)
    expect(media.audioTrack?.enabled).toBe(false)
    expect(media.videoTrack?.enabled).toBe(false)
    expect(media.state).toMatchObject({ muted: true, cameraOff: true })
    await media.selectDevice('camera', await idOf('fake_device_2'))
    await media.selectDevice('microphone', media.state.microphones.at(-1)!.id)
    expect(media.audioTrack?.enabled).toBe(false)
    expect(media.videoTrack?.enabled).toBe(false)
    media.setMuted(false)
    expect(media.audioTrack?.enabled).toBe(true)
  })

  it('takes the preferred camera by label when its stored id no longer exists', async () => {
    media = new LocalMedia({ video: SMALL, persist: false })
    await media.start({ cameraId: 'an-id-from-another-origin', cameraLabel: 'fake_device_2' })
    expect(media.state.cameraId).toBe(await idOf('fake_device_2'))
  })

  it('joins receive-only with a notice when there is no camera', async () => {
    const devices = new FilteredDevices()
    devices.hidden.add('videoinput')
    media = new LocalMedia({ devices, video: SMALL, persist: false })
    await media.start({})
    expect(media.videoTrack).toBeNull()
    expect(media.audioTrack).not.toBeNull()
    expect(media.state.cameras).toEqual([])
    expect(media.state.notice).toMatch(/no camera/i)
    expect(media.state.error).toBeNull()
  })

  it('asks for camera and microphone when the browser hides device ids until permission is given', async () => {
    // What Chromium reports before the user has granted anything: one entry per kind, empty id and label.
    class BeforePermission extends FilteredDevices {
      granted = false
      override async enumerateDevices(): Promise<MediaDeviceInfo[]> {
        if (this.granted) return super.enumerateDevices()
        const kinds: MediaDeviceKind[] = ['audioinput', 'videoinput', 'audiooutput']
        return kinds.map((kind) => ({ deviceId: '', groupId: '', kind, label: '', toJSON: () => ({}) }))
      }
      override async getUserMedia(constraints?: MediaStreamConstraints): Promise<MediaStream> {
        const stream = await super.getUserMedia(constraints)
        this.granted = true
        return stream
      }
    }
    const devices = new BeforePermission()
    media = new LocalMedia({ devices, video: SMALL, persist: false })
    await media.start({})
    expect(media.videoTrack).not.toBeNull()
    expect(media.audioTrack).not.toBeNull()
    expect(media.state.cameras.length).toBeGreaterThan(0)
    expect(media.state.notice).toBeNull()
  })

  it('explains a denied permission and still resolves', async () => {
    const devices = new FilteredDevices()
    devices.denyAll = true
    media = new LocalMedia({ devices, video: SMALL, persist: false })
    await media.start({})
    expect(media.state.error?.code).toBe('media-denied')
    expect(media.state.error?.message).toMatch(/denied/)
    expect(media.state.localStream).toBeNull()
    expect(media.state.notice).toMatch(/watch and listen/)
  })

  it('falls back when the camera in use is unplugged and takes it back when it returns', async () => {
    const devices = new FilteredDevices()
    media = new LocalMedia({ devices, video: SMALL, persist: false })
    await media.start({ cameraLabel: 'fake_device_2' })
    const preferred = await idOf('fake_device_2')
    expect(media.state.cameraId).toBe(preferred)

    devices.hidden.add('fake_device_2')
    devices.dispatchEvent(new Event('devicechange'))
    await expect.poll(() => media!.state.cameraId).not.toBe(preferred)
    expect(media.state.cameras.map((d) => d.label)).not.toContain('fake_device_2')
    expect(media.videoTrack?.readyState).toBe('live')

    devices.hidden.delete('fake_device_2')
    devices.dispatchEvent(new Event('devicechange'))
    await expect.poll(() => media!.state.cameraId).toBe(preferred)
  })

  it('remembers the chosen devices in the preferences', async () => {
    media = new LocalMedia({ video: SMALL })
    await media.start()
    await media.selectDevice('camera', await idOf('fake_device_2'))
    await media.selectDevice('speaker', media.state.speakers[0]!.id)
    const stored = JSON.parse(localStorage.getItem('moim.preferences.v1') ?? '{}')
    expect(stored).toMatchObject({ cameraLabel: 'fake_device_2', speakerId: media.state.speakers[0]!.id })
  })

  it('shares the screen instead of the camera and returns to the camera when the source ends', async () => {
    media = new LocalMedia({ video: SMALL, persist: false })
    const handed: [MediaKind, MediaStreamTrack | null][] = []
    await media.start({})
    media.setTrackHook((kind, track) => void handed.push([kind, track]))
    const cameraTrack = media.videoTrack!
    expect(await media.startScreenShare()).toBe(true)
    const screen = media.videoTrack!
    expect(screen).not.toBe(cameraTrack)
    expect(screen.contentHint).toBe('detail')
    expect(media.state.sharingScreen).toBe(true)
    expect(media.state.localStream?.getVideoTracks()[0]).toBe(screen)
    expect(handed).toEqual([['video', screen]])
    // The browser's own "Stop sharing" ends the track.
    screen.dispatchEvent(new Event('ended'))
    await expect.poll(() => media!.state.sharingScreen).toBe(false)
    expect(media.videoTrack).toBe(cameraTrack)
    expect(handed.at(-1)).toEqual(['video', cameraTrack])
    expect(screen.readyState).toBe('ended')
  })

  it('reports the fake microphone’s beeps as a level above 0, and 0 once stopped', async () => {
    media = new LocalMedia({ video: SMALL, persist: false })
    await media.start({})
    // Chromium's fake microphone beeps about once a second: a dead analyser (or none) would stay at 0.
    let loudest = 0
    await expect
      .poll(
        () => {
          loudest = Math.max(loudest, media!.audioLevel())
          return loudest
        },
        { timeout: 5_000, interval: 20 }
      )
      .toBeGreaterThan(0.01)
    expect(loudest).toBeLessThanOrEqual(1)
    media.stop()
    expect(media.audioLevel()).toBe(0)
  })

  it('suspends the level meter’s audio while nobody reads it, and hears again on the next read', async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true })
    const track = stream.getAudioTracks()[0]!
    const meter = new LevelMeter()
    try {
      const POLL = { timeout: 5_000, interval: 20 }
      await expect.poll(() => meter.level(track), POLL).toBeGreaterThan(0.01)
      expect(meter.state).toBe('running')
      // The lobby's meter is gone (the user is in the call): nothing reads it any more.
      await expect.poll(() => meter.state, { timeout: 3_000, interval: 100 }).toBe('suspended')
      // A read wakes it, and the level moves again (a suspended analyser repeats its last buffer).
      await expect
        .poll(() => {
          meter.level(track)
          return meter.state
        }, POLL)
        .toBe('running')
      const levels = new Set<number>()
      await expect.poll(() => levels.add(meter.level(track)).size, POLL).toBeGreaterThan(3)
    } finally {
      meter.close()
      track.stop()
    }
  })

  it('follows a microphone switch with the level meter', async () => {
    media = new LocalMedia({ video: SMALL, persist: false })
    await media.start({})
    await media.selectDevice('microphone', media.state.microphones.at(-1)!.id)
    await expect.poll(() => media!.audioLevel(), { timeout: 5_000, interval: 20 }).toBeGreaterThan(0.01)
  })
})

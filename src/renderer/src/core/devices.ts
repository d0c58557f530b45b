/**
 * The device catalogue: what `enumerateDevices()` lists, grouped by kind, and which device of a kind the user
 * prefers (by id, else by label, since ids are per origin and may change). Camera, microphone and speaker are
 * described by one table, so every rule is written once for all kinds.
 */
import type { Preferences } from './preferences'
import type { DeviceInfo, DeviceKind, MediaState } from './types'

/** The parts of `navigator.mediaDevices` LocalMedia uses; tests pass a stand-in to simulate missing devices. */
export type MediaDevicesLike = Pick<
  MediaDevices,
  'getUserMedia' | 'enumerateDevices' | 'getDisplayMedia' | 'addEventListener' | 'removeEventListener'
>

/** The devices we open and send a track from. */
export type InputKind = Exclude<DeviceKind, 'speaker'>

export const INPUT_KINDS: readonly InputKind[] = ['camera', 'microphone']

/** Where each kind of device lives in MediaState and in the preferences. */
export const DEVICE_KEYS = {
  camera: { list: 'cameras', selected: 'cameraId', preferId: 'cameraId', preferLabel: 'cameraLabel' },
  microphone: {
    list: 'microphones',
    selected: 'microphoneId',
    preferId: 'microphoneId',
    preferLabel: 'microphoneLabel'
  },
  speaker: { list: 'speakers', selected: 'speakerId', preferId: 'speakerId', preferLabel: 'speakerLabel' }
} as const satisfies Record<
  DeviceKind,
  {
    list: keyof MediaState
    selected: keyof MediaState
    preferId: keyof Preferences
    preferLabel: keyof Preferences
  }
>

export type DevicePreferences = Partial<
  Pick<
    Preferences,
    'cameraId' | 'cameraLabel' | 'microphoneId' | 'microphoneLabel' | 'speakerId' | 'speakerLabel'
  >
>

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

/** The device of `kind` the user prefers, if it is listed: by id first, then by label. */
export function preferredDevice(
  devices: readonly DeviceInfo[],
  kind: DeviceKind,
  preferences: DevicePreferences
): DeviceInfo | null {
  const keys = DEVICE_KEYS[kind]
  const id = preferences[keys.preferId]
  const label = preferences[keys.preferLabel]
  return (
    devices.find((d) => id != null && d.id === id) ??
    devices.find((d) => label != null && d.label === label) ??
    null
  )
}

/** The preference entries recording `device` (or just `id`, when it is not listed) as the choice for `kind`. */
export function preferenceFor(kind: DeviceKind, id: string, device?: DeviceInfo): DevicePreferences {
  const keys = DEVICE_KEYS[kind]
  return { [keys.preferId]: id, [keys.preferLabel]: device?.label ?? null }
}

/**
 * What the user picked last time (name, devices, the UI's language, the call's layout, microphone processing),
 * kept in localStorage. Stored JSON is treated as
 * untrusted: a corrupt or hand-edited value never breaks start-up, it just falls back to defaults field by field.
 */
import { LIMITS } from '../../../shared/protocol'

export interface Preferences {
  name: string
  cameraId: string | null
  cameraLabel: string | null
  microphoneId: string | null
  microphoneLabel: string | null
  speakerId: string | null
  speakerLabel: string | null
  /** The UI language the user chose with the switch; null follows the system/browser languages. */
  language: Language | null
  /** How the call shows people: everyone alike, or the active speaker large. */
  layout: CallLayout
  /** The browser's own microphone processing (getUserMedia constraints), on unless turned off. */
  noiseSuppression: boolean
  echoCancellation: boolean
}

/** The UI's languages: English (the source) and Korean. */
export const LANGUAGES = ['en', 'ko'] as const
export type Language = (typeof LANGUAGES)[number]

/** The call's layouts: a grid of equal tiles, or the active speaker (or a pinned tile) large over a strip. */
export const CALL_LAYOUTS = ['grid', 'speaker'] as const
export type CallLayout = (typeof CALL_LAYOUTS)[number]

export const PREFERENCES_KEY = 'moim.preferences.v1'

export const DEFAULT_PREFERENCES: Readonly<Preferences> = Object.freeze({
  name: '',
  cameraId: null,
  cameraLabel: null,
  microphoneId: null,
  microphoneLabel: null,
  speakerId: null,
  speakerLabel: null,
  language: null,
  layout: 'grid',
  noiseSuppression: true,
  echoCancellation: true
})

function stringOrNull(value: unknown, max = 512): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : null
}

/** Keeps only the fields of `raw` that have the right type; everything else takes its default. */
export function parsePreferences(raw: unknown): Preferences {
  const source =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {}
  return {
    name: stringOrNull(source.name, LIMITS.name) ?? '',
    cameraId: stringOrNull(source.cameraId),
    cameraLabel: stringOrNull(source.cameraLabel),
    microphoneId: stringOrNull(source.microphoneId),
    microphoneLabel: stringOrNull(source.microphoneLabel),
    speakerId: stringOrNull(source.speakerId),
    speakerLabel: stringOrNull(source.speakerLabel),
    language: LANGUAGES.find((language) => language === source.language) ?? null,
    layout: CALL_LAYOUTS.find((layout) => layout === source.layout) ?? DEFAULT_PREFERENCES.layout,
    noiseSuppression: typeof source.noiseSuppression === 'boolean' ? source.noiseSuppression : true,
    echoCancellation: typeof source.echoCancellation === 'boolean' ? source.echoCancellation : true
  }
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    // Access can throw (storage disabled, opaque origin); preferences are then just not remembered.
    return null
  }
}

/** Reads the stored preferences; corrupt JSON or a missing store gives the defaults. */
export function loadPreferences(): Preferences {
  const text = storage()?.getItem(PREFERENCES_KEY)
  if (text === null || text === undefined) return parsePreferences(null)
  try {
    return parsePreferences(JSON.parse(text))
  } catch {
    return parsePreferences(null)
  }
}

/** Merges `changes` into the stored preferences and returns the result. */
export function savePreferences(changes: Partial<Preferences>): Preferences {
  const next = parsePreferences({ ...loadPreferences(), ...changes })
  try {
    storage()?.setItem(PREFERENCES_KEY, JSON.stringify(next))
  } catch {
    // Quota exceeded or storage disabled: keep working with the in-memory value.
  }
  return next
}

/**
 * What the UI says when something goes wrong, in the chosen language: a field a person typed that breaks one of the
 * shared input rules (src/shared/input-rules.ts), found from the field and the reason, and every error the core or
 * the server reports, found from its code. Never the validator's, the core's or the server's English (kept for
 * logs): each entry is a whole sentence, so each can be translated as it is.
 */
import { msg, str } from '@lit/localize'
import { LIMITS } from '../../../shared/protocol'
import type { InvalidField, InvalidReason } from '../../../shared/protocol'
import type { CallError, CallErrorCode, MediaNotice, MediaSubject } from '../core/types'
import { currentLanguage } from '../localization'

type FieldMessages = Partial<Record<InvalidReason, string>> & { other: string }

/** Built on each call: `msg()` answers in the language shown now. */
function fieldMessages(field: InvalidField): FieldMessages {
  switch (field) {
    case 'name':
      return {
        empty: msg('Enter your name.'),
        'too-long': msg(str`Names can be at most ${LIMITS.name} characters.`),
        'no-visible-character': msg('Your name needs at least one visible letter, digit or symbol.'),
        'invisible-characters': msg('Your name contains invisible characters. Type it again without them.'),
        'not-allowed-characters': msg(
          'Your name contains characters that cannot be shown, such as control characters. Remove them.'
        ),
        other: msg('This name cannot be used. Try another one.')
      }
    case 'room':
      return {
        empty: msg('Enter a room name.'),
        'too-long': msg(str`Room names can be at most ${LIMITS.room} characters.`),
        'no-visible-character': msg('The room name needs at least one visible letter or digit.'),
        'invisible-characters': msg(
          'The room name contains invisible characters. Type it again without them.'
        ),
        'not-allowed-characters': msg(
          'Room names can use letters, digits, spaces, “.”, “-” and “_”, and start and end with a letter or digit.'
        ),
        other: msg('This room name cannot be used. Try another one.')
      }
    case 'password':
      return {
        empty: msg('Enter the password, or leave the field empty for a room without one.'),
        'too-long': msg(str`Passwords can be at most ${LIMITS.password} characters.`),
        other: msg('This password cannot be used. Try another one.')
      }
    case 'text':
      return {
        empty: msg('Type a message first.'),
        'too-long': msg(str`Messages can be at most ${LIMITS.chatText} characters.`),
        other: msg('This message cannot be sent.')
      }
  }
}

const FIELDS: ReadonlySet<string> = new Set<InvalidField>(['name', 'room', 'password', 'text'])

/** The sentence for `field` refused for `reason` (a reason this client does not know gets the field's general one). */
export function inputMessage(field: InvalidField, reason: InvalidReason): string {
  const messages = fieldMessages(field)
  // Own keys only: the pair may come from the network, and "toString" must not find Object.prototype's.
  return (Object.hasOwn(messages, reason) ? messages[reason] : undefined) ?? messages.other
}

function mediaDenied(device: MediaSubject | undefined): string {
  switch (device) {
    case 'camera':
      return msg(
        'Permission to use the camera was denied. Allow it in the browser or system settings, then try again; until then others cannot see you.'
      )
    case 'microphone':
      return msg(
        'Permission to use the microphone was denied. Allow it in the browser or system settings, then try again; until then others cannot hear you.'
      )
    case 'screen':
      return msg('Permission to share the screen was denied.')
    default:
      return msg(
        'Permission to use the camera and microphone was denied. Allow it in the browser or system settings, then try again; until then others cannot see or hear you.'
      )
  }
}

function mediaUnavailable(device: MediaSubject | undefined): string {
  switch (device) {
    case 'camera':
      return msg('The camera could not be started: another application may be using it, or it was unplugged.')
    case 'microphone':
      return msg(
        'The microphone could not be started: another application may be using it, or it was unplugged.'
      )
    case 'screen':
      return msg('The screen could not be shared here.')
    default:
      return msg('The camera and microphone could not be started.')
  }
}

/** The sentence for an error code from the core or the server; null for a code this client does not know. */
function codeMessage(error: CallError): string | null {
  const code: CallErrorCode = error.code
  switch (code) {
    case 'invalid':
      return msg('The request was not valid.')
    case 'full':
      return msg('The room is full.')
    case 'wrong-password':
      return msg('The password is wrong.')
    case 'not-locked':
      return msg(
        'This room has no password, so it is not the room you were given: someone else may be using its name.'
      )
    case 'not-in-room':
      return msg('You are not in a room.')
    case 'not-found':
      return msg('No such person in your room.')
    case 'rate-limited': {
      if (error.retryAfterMs === undefined) return msg('Too many requests; slow down.')
      const seconds = Math.ceil(error.retryAfterMs / 1000)
      return msg(str`Too many attempts from your address; try again in ${seconds} s.`)
    }
    case 'already-in-room':
      return msg('You are already in a room; leave it first.')
    case 'server-full':
      return msg('This server has as many rooms as it can hold; join an existing room or try later.')
    case 'too-many-connections':
      return msg('Too many connections from your address; close some and try again.')
    case 'unreachable':
      return msg('Nothing answered at that address. Check the address and that the host is running.')
    case 'timeout':
      return msg('The server did not answer in time. Check the network and try again.')
    case 'not-moim':
      return msg(
        'Something answered at that address, but it is not a Moim server, or not the same version of Moim.'
      )
    case 'host-ended':
      return msg('The host ended the room.')
    case 'disconnected':
      return msg('The connection to the server was lost and could not be restored.')
    case 'media-denied':
      return mediaDenied(error.device)
    case 'media-unavailable':
      return mediaUnavailable(error.device)
    default:
      return null
  }
}

/**
 * What to show for `error`: the sentence for its field and reason when the server named them, else the sentence
 * for its code, else (a code this client does not know) its message.
 */
export function errorMessage(error: CallError): string {
  if (error.field !== undefined && error.reason !== undefined && FIELDS.has(error.field)) {
    return inputMessage(error.field, error.reason)
  }
  return codeMessage(error) ?? error.message
}

/** What to show for a media notice: from its code, or its English text when it has none. */
export function noticeMessage(code: MediaNotice | null | undefined, text: string | null): string | null {
  switch (code) {
    case 'no-media-api':
      return msg('This browser gives no access to cameras or microphones: you can watch and listen only.')
    case 'no-devices':
      return msg(
        'No camera or microphone is available: you can watch and listen, but others will not see or hear you.'
      )
    case 'no-camera':
      return msg('No camera found: others will hear you but not see you.')
    case 'no-microphone':
      return msg('No microphone found: others will see you but not hear you.')
    default:
      return text
  }
}

/**
 * What to show for a join address that does not parse. The parser (src/shared/join-address.ts) words its reasons
 * in English and gives no code yet: English keeps its precise sentence, other languages get a general one.
 */
export function addressMessage(detail: string): string {
  if (currentLanguage() === 'en') return detail
  return msg(
    'This address does not work. Type the host’s address, like 192.168.1.20 or 192.168.1.20:47100, or paste an invite link.'
  )
}

/**
 * What to show when the desktop app's main process refuses a request (hosting): its sentences are English, like the
 * parser's, so English keeps them and other languages get `general`.
 */
export function mainMessage(detail: string, general: string): string {
  return currentLanguage() === 'en' ? detail : general
}

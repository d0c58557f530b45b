/**
 * What the UI says when something a person typed breaks one of the shared input rules (src/shared/input-rules.ts),
 * found from the field and the reason, never from the validator's or the server's English: each entry is a whole
 * sentence, so the table can be translated as it is.
 */
import { LIMITS } from '../../../shared/protocol'
import type { InvalidField, InvalidReason } from '../../../shared/protocol'
import type { CallError } from '../core/types'

const MESSAGES: Record<InvalidField, Partial<Record<InvalidReason, string>> & { other: string }> = {
  name: {
    empty: 'Enter your name.',
    'too-long': `Names can be at most ${LIMITS.name} characters.`,
    'no-visible-character': 'Your name needs at least one visible letter, digit or symbol.',
    'invisible-characters': 'Your name contains invisible characters. Type it again without them.',
    'not-allowed-characters':
      'Your name contains characters that cannot be shown, such as control characters. Remove them.',
    other: 'This name cannot be used. Try another one.'
  },
  room: {
    empty: 'Enter a room name.',
    'too-long': `Room names can be at most ${LIMITS.room} characters.`,
    'no-visible-character': 'The room name needs at least one visible letter or digit.',
    'invisible-characters': 'The room name contains invisible characters. Type it again without them.',
    'not-allowed-characters':
      'Room names can use letters, digits, spaces, “.”, “-” and “_”, and start and end with a letter or digit.',
    other: 'This room name cannot be used. Try another one.'
  },
  password: {
    empty: 'Enter the password, or leave the field empty for a room without one.',
    'too-long': `Passwords can be at most ${LIMITS.password} characters.`,
    other: 'This password cannot be used. Try another one.'
  },
  text: {
    empty: 'Type a message first.',
    'too-long': `Messages can be at most ${LIMITS.chatText} characters.`,
    other: 'This message cannot be sent.'
  }
}

/** The sentence for `field` refused for `reason` (a reason this client does not know gets the field's general one). */
export function inputMessage(field: InvalidField, reason: InvalidReason): string {
  const messages = MESSAGES[field]
  // Own keys only: the pair may come from the network, and "toString" must not find Object.prototype's.
  return (Object.hasOwn(messages, reason) ? messages[reason] : undefined) ?? messages.other
}

/**
 * What to show for `error`: the sentence for its field and reason when the server named them, otherwise its
 * message (errors the client made itself are already sentences).
 */
export function errorMessage(error: CallError): string {
  if (error.field === undefined || error.reason === undefined || !Object.hasOwn(MESSAGES, error.field)) {
    return error.message
  }
  return inputMessage(error.field, error.reason)
}

/** User-facing explanations of getUserMedia/getDisplayMedia failures. */
import type { CallError, MediaSubject } from './types'

/** The DOMException (or Error) name of a media failure, '' for anything else. */
export function errorName(error: unknown): string {
  return error instanceof DOMException || error instanceof Error ? error.name : ''
}

/** A user-facing explanation of a getUserMedia/getDisplayMedia failure. */
export function describeMediaError(error: unknown, what: MediaSubject): CallError {
  switch (errorName(error)) {
    case 'NotAllowedError':
    case 'SecurityError':
      return {
        code: 'media-denied',
        device: what,
        message: `Permission to use the ${what} was denied. Allow it in the browser or system settings, then try again; until then others cannot see or hear you.`
      }
    case 'NotReadableError':
    case 'AbortError':
      return {
        code: 'media-unavailable',
        device: what,
        message: `The ${what} could not be started: another application may be using it.`
      }
    case 'NotFoundError':
    case 'OverconstrainedError':
      return {
        code: 'media-unavailable',
        device: what,
        message: `The selected ${what} was not found. It may have been unplugged.`
      }
    default:
      return {
        code: 'media-unavailable',
        device: what,
        message: `The ${what} could not be started (${String(error)}).`
      }
  }
}

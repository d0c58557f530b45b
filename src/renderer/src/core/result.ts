import type { CallError, CallErrorCode } from './types'

/** The outcome of a call-core operation: a value, or a CallError the UI can show as is. Never a thrown string. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: CallError }

/** A successful Result. */
export function ok(): Result<void>
export function ok<T>(value: T): Result<T>
export function ok<T>(value?: T): Result<T | undefined> {
  return { ok: true, value }
}

/** A failed Result with the given code and human-readable message. */
export function err<T = never>(code: CallErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } }
}

/**
 * The rules for what people type: room names, display names, passwords and chat text, and how names are compared
 * for uniqueness. One place for them: the server's schemas (schemas.ts, also behind the host form's IPC call) and
 * the renderer's lobby apply these same functions, and a refusal is a machine-readable reason that each UI turns
 * into its own sentence. docs/PROTOCOL.md states the rules in prose.
 *
 * No runtime dependencies, so the renderer can import it without the validator.
 */
import { LIMITS } from './protocol'
import type { InvalidReason } from './protocol'

/** A typed value that passed its rule (normalised as it will be stored), or why it was refused. */
export type RuleResult = { ok: true; value: string } | { ok: false; reason: InvalidReason }

/**
 * Variation selectors 15/16 and the zero-width joiner are default-ignorable, yet emoji need them: a selector after
 * a pictograph ("❤️") or inside a keycap ("1️⃣"), the joiner between pictographs ("👩‍💻", "👩🏽‍💻", "❤️‍🔥").
 * Anywhere else they only hide a difference ("Alice\uFE0F" looks like "Alice").
 */
const EMOJI_JOINER =
  /(?<=\p{Extended_Pictographic})[\uFE0E\uFE0F]|(?<=[#*0-9])\uFE0F(?=\u20E3)|(?<=\p{Extended_Pictographic}[\uFE0F\p{Emoji_Modifier}]?)\u200D(?=\p{Extended_Pictographic})/gu

/** Code points that render as nothing (joiners, variation selectors, fillers, tags, bidi controls...). */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u

/** Controls, other format characters, lone surrogates, private use, unassigned, line/paragraph separators. */
const NOT_ALLOWED = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u

/**
 * Characters that show as empty space although Unicode does not call them White_Space: the braille blank and
 * the musical null notehead (the Hangul fillers look blank too, and are default-ignorable).
 */
const BLANK_LOOKING = '\\u2800\\u{1D159}'

/** A letter, digit, punctuation mark or symbol that actually shows something. */
const VISIBLE = new RegExp(
  `(?![\\p{Default_Ignorable_Code_Point}${BLANK_LOOKING}])[\\p{L}\\p{N}\\p{P}\\p{S}]`,
  'u'
)

/** Runs of whitespace and blank-looking characters, which all read as one space. */
const SPACES = new RegExp(`[\\p{White_Space}${BLANK_LOOKING}]+`, 'gu')

const INVISIBLE_ALL = /\p{Default_Ignorable_Code_Point}/gu

/**
 * Letters and digits, each optionally followed by combining marks (so "बैठक", "ประชุม" and a decomposed "Café"
 * are words), separated by spaces, ".", "-" and "_"; starting and ending with a letter or digit.
 */
export const ROOM_NAME_PATTERN = /^[\p{L}\p{N}]\p{M}*(?:[ ._-]*[\p{L}\p{N}]\p{M}*)*$/u

const refuse = (reason: InvalidReason): RuleResult => ({ ok: false, reason })

/**
 * A display name: NFC-normalised and trimmed, 1 to LIMITS.name UTF-16 code units, with at least one visible
 * character, and no invisible (default-ignorable, outside emoji sequences), control, format, private-use,
 * unassigned or lone-surrogate code point. The value keeps the person's case.
 */
export function checkDisplayName(input: string): RuleResult {
  const name = input.normalize('NFC').trim()
  if (name === '') return refuse('empty')
  if (name.length > LIMITS.name) return refuse('too-long')
  if (!VISIBLE.test(name)) return refuse('no-visible-character')
  const bare = name.replace(EMOJI_JOINER, '')
  if (INVISIBLE.test(bare)) return refuse('invisible-characters')
  if (NOT_ALLOWED.test(bare)) return refuse('not-allowed-characters')
  return { ok: true, value: name }
}

/**
 * A room name: NFC-normalised and trimmed, 1 to LIMITS.room code units, matching ROOM_NAME_PATTERN, with no
 * default-ignorable code point (the Hangul fillers are letters to Unicode, but show nothing). Case-sensitive.
 */
export function checkRoomName(input: string): RuleResult {
  const room = input.normalize('NFC').trim()
  if (room === '') return refuse('empty')
  if (room.length > LIMITS.room) return refuse('too-long')
  if (!VISIBLE.test(room)) return refuse('no-visible-character')
  if (INVISIBLE.test(room)) return refuse('invisible-characters')
  if (!ROOM_NAME_PATTERN.test(room)) return refuse('not-allowed-characters')
  return { ok: true, value: room }
}

/** A room password: used exactly as typed (no trimming or normalisation), 1 to LIMITS.password code units. */
export function checkPassword(input: string): RuleResult {
  if (input === '') return refuse('empty')
  if (input.length > LIMITS.password) return refuse('too-long')
  return { ok: true, value: input }
}

/** A chat message: sent as typed, at most LIMITS.chatText code units, and not only whitespace. */
export function checkChatText(input: string): RuleResult {
  if (input.length > LIMITS.chatText) return refuse('too-long')
  if (input.trim() === '') return refuse('empty')
  return { ok: true, value: input }
}

/**
 * What two names are compared by for uniqueness: compatibility-normalised (NFKC, so "Ａ" is "A" and both forms
 * of "é" are one), case-folded (upper then lower, so "ß" is "ss"), without default-ignorable code points (the
 * emoji joiners a name may keep), and with every run of spaces or blank-looking characters read as one space.
 */
export function nameKey(name: string): string {
  return name
    .normalize('NFKC')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC')
    .replace(INVISIBLE_ALL, '')
    .replace(SPACES, ' ')
    .trim()
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/**
 * `name` with " (n)" appended, shortened first (by whole graphemes, so no surrogate pair, emoji sequence or
 * letter with its marks is cut) so that the result fits LIMITS.name code units.
 */
export function withSuffix(name: string, n: number): string {
  const suffix = ` (${n})`
  const budget = LIMITS.name - suffix.length
  let kept = ''
  for (const { segment } of graphemes.segment(name)) {
    if (kept.length + segment.length > budget) break
    kept += segment
  }
  return kept.trimEnd() + suffix
}

/**
 * Finds the web links in a chat message, so the panel can make them clickable while everything else stays text.
 * Only http and https: a `javascript:`, `file:` or `moim:` string is never a link. A link ends at white space or
 * at the punctuation that usually closes a sentence around it ("see https://x.org/a." keeps the dot as text).
 */
export type ChatPart = { text: string } | { url: string }

const LINK = /\bhttps?:\/\/[^\s<>"']+/gi
const TRAILING = /[.,;:!?)\]}'"]+$/

export function chatParts(text: string): ChatPart[] {
  const parts: ChatPart[] = []
  let last = 0
  for (const match of text.matchAll(LINK)) {
    const start = match.index
    const found = match[0]
    const url = found.replace(TRAILING, '')
    if (!isWebUrl(url)) continue
    if (start > last) parts.push({ text: text.slice(last, start) })
    parts.push({ url })
    last = start + url.length
  }
  if (last < text.length) parts.push({ text: text.slice(last) })
  return parts
}

/** True when `url` parses as an http(s) URL with a host (the parser, not the pattern, has the last word). */
function isWebUrl(url: string): boolean {
  try {
    const parsed = new URL(url)
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== ''
  } catch {
    return false
  }
}

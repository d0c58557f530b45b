import { afterEach, describe, expect, it } from 'vitest'
import { PREFERENCES_KEY, loadPreferences, parsePreferences } from '../../src/renderer/src/core/preferences'
import { errorMessage } from '../../src/renderer/src/components/input-messages'
import {
  applyLanguage,
  currentLanguage,
  detectLanguage,
  formatTime,
  initialLanguage,
  pluralOne
} from '../../src/renderer/src/localization'

describe('localization', () => {
  afterEach(async () => {
    localStorage.removeItem(PREFERENCES_KEY)
    await applyLanguage('en')
  })

  it('takes the first language of the list it speaks: any Korean tag gives Korean, anything else English', () => {
    expect(detectLanguage(['ko-KR', 'en-US'])).toBe('ko')
    expect(detectLanguage(['ko'])).toBe('ko')
    expect(detectLanguage(['KO-kr'])).toBe('ko')
    expect(detectLanguage(['ja-JP', 'ko-Kore-KR'])).toBe('ko')
    expect(detectLanguage(['en-GB', 'ko-KR'])).toBe('en')
    expect(detectLanguage(['fr-FR', 'de'])).toBe('en')
    // "kok" (Konkani) is not Korean.
    expect(detectLanguage(['kok-IN'])).toBe('en')
    expect(detectLanguage([])).toBe('en')
  })

  it('remembers only a language it speaks; anything else follows the browser again', () => {
    expect(parsePreferences({ language: 'ko' }).language).toBe('ko')
    expect(parsePreferences({ language: 'fr' }).language).toBeNull()
    expect(parsePreferences({ language: 42 }).language).toBeNull()
    localStorage.setItem(PREFERENCES_KEY, JSON.stringify({ name: 'Ann', language: 'ko' }))
    expect(loadPreferences().language).toBe('ko')
    expect(initialLanguage()).toBe('ko')
  })

  it('marks the document with the language it shows and loads Korean on demand', async () => {
    await applyLanguage('ko')
    expect(currentLanguage()).toBe('ko')
    expect(document.documentElement.lang).toBe('ko')
    await applyLanguage('en')
    expect(document.documentElement.lang).toBe('en')
  })

  it('says when to try again after too many attempts, in the language shown', async () => {
    const limited = { code: 'rate-limited' as const, message: 'ignored', retryAfterMs: 4_200 }
    expect(errorMessage(limited)).toBe('Too many attempts from your address; try again in 5 s.')
    await applyLanguage('ko')
    expect(errorMessage(limited)).toBe('이 주소에서 시도가 너무 많았습니다. 5초 후에 다시 시도하세요.')
    expect(errorMessage({ code: 'rate-limited', message: 'ignored' })).not.toMatch(/\d/)
  })

  it('has a singular in English and none in Korean, and writes times in the language shown', async () => {
    const ts = Date.UTC(2026, 0, 1, 14, 5)
    expect(pluralOne(1)).toBe(true)
    expect(pluralOne(3)).toBe(false)
    expect(formatTime(ts)).toMatch(/^\d{1,2}:\d{2}( [AP]M)?$/)
    await applyLanguage('ko')
    expect(pluralOne(1)).toBe(false)
    expect(formatTime(ts)).toMatch(/^(오전|오후) \d{1,2}:\d{2}$/)
  })
})

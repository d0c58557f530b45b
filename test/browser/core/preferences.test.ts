import { beforeEach, describe, expect, it } from 'vitest'
import {
  DEFAULT_PREFERENCES,
  PREFERENCES_KEY,
  loadPreferences,
  savePreferences
} from '../../../src/renderer/src/core/preferences'

describe('preferences', () => {
  beforeEach(() => localStorage.clear())

  it('gives the defaults when nothing is stored', () => {
    expect(loadPreferences()).toEqual(DEFAULT_PREFERENCES)
  })

  it('tolerates corrupt JSON in storage', () => {
    localStorage.setItem(PREFERENCES_KEY, '{"name": "Ann", ')
    expect(loadPreferences()).toEqual(DEFAULT_PREFERENCES)
  })

  it('keeps well-typed fields and drops mistyped ones', () => {
    localStorage.setItem(
      PREFERENCES_KEY,
      JSON.stringify({
        name: 'Ann',
        cameraId: 42,
        cameraLabel: ['x'],
        speakerId: 'spk',
        recentServers: ['a', 7, 'a']
      })
    )
    expect(loadPreferences()).toEqual({
      ...DEFAULT_PREFERENCES,
      name: 'Ann',
      speakerId: 'spk'
    })
  })

  it('treats a stored non-object (array, number) as nothing stored', () => {
    localStorage.setItem(PREFERENCES_KEY, '[1,2,3]')
    expect(loadPreferences()).toEqual(DEFAULT_PREFERENCES)
    localStorage.setItem(PREFERENCES_KEY, '12')
    expect(loadPreferences()).toEqual(DEFAULT_PREFERENCES)
  })

  it('saves changes and reads them back', () => {
    savePreferences({ name: 'Bo', microphoneId: 'mic-1', microphoneLabel: 'Fake Audio Input 1' })
    expect(loadPreferences()).toMatchObject({
      name: 'Bo',
      microphoneId: 'mic-1',
      microphoneLabel: 'Fake Audio Input 1'
    })
  })

  it('remembers the call layout, and reads an unknown one as the grid', () => {
    expect(loadPreferences().layout).toBe('grid')
    savePreferences({ layout: 'speaker' })
    expect(loadPreferences().layout).toBe('speaker')
    localStorage.setItem(PREFERENCES_KEY, JSON.stringify({ layout: 'mosaic' }))
    expect(loadPreferences().layout).toBe('grid')
  })
})

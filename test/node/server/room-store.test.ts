import { describe, expect, it } from 'vitest'
import { nameChoice, nameChoices, passwordDigest } from '../../../src/server/room-store'

describe('room store helpers', () => {
  it('nameChoices gives the asked name, then its suffixed forms, each with its comparison key', () => {
    expect(nameChoices(nameChoice('Ann'), 3)).toEqual([
      { name: 'Ann', key: 'ann' },
      { name: 'Ann (2)', key: 'ann (2)' },
      { name: 'Ann (3)', key: 'ann (3)' }
    ])
    // Full-width letters compare like their plain forms.
    expect(nameChoice('ＡＮＮ').key).toBe(nameChoice('ann').key)
  })

  it('passwordDigest is SHA-256 in hex, never the password', () => {
    expect(passwordDigest('tea')).toMatch(/^[0-9a-f]{64}$/)
    expect(passwordDigest('tea')).not.toBe(passwordDigest('Tea'))
  })
})

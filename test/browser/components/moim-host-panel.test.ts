import { describe, expect, it } from 'vitest'
import { page } from 'vitest/browser'
import type { HostStatus } from '../../../src/shared/ipc'
import type { MoimHostPanel } from '../../../src/renderer/src/components/moim-host-panel'
import type { Platform } from '../../../src/renderer/src/platform'
import '../../../src/renderer/src/components/moim-host-panel'
import { mount } from './fixture'

/** A platform whose host mode records each start request and never starts anything. */
function fakePlatform(starts: unknown[]): Platform {
  const notRunning: HostStatus = { running: false }
  const ok = <T>(value: T) => Promise.resolve({ ok: true as const, value })
  return {
    host: {
      start: (request: unknown) => {
        starts.push(request)
        return Promise.resolve({ ok: false, code: 'failed', message: 'not in this test' })
      },
      stop: () => ok(notRunning),
      status: () => ok(notRunning),
      onChanged: () => () => {}
    }
  } as unknown as Platform
}

describe('moim-host-panel', () => {
  it.each([
    ['a name that shows nothing', '\u2800', 'standup', 'Your name needs at least one visible letter'],
    ['a room hiding a filler', 'Ann', 'Lounge\u3164', 'The room name contains invisible characters']
  ])('refuses %s in its own words, before starting anything', async (_, name, room, sentence) => {
    const starts: unknown[] = []
    await mount('moim-host-panel', { platform: fakePlatform(starts) } as Partial<MoimHostPanel>)
    await page.getByLabelText('Your name').fill(name)
    await page.getByLabelText('Room name').fill(room)
    await page.getByRole('button', { name: 'Host a room' }).click()
    await expect.element(page.getByRole('alert')).toHaveTextContent(sentence)
    expect(starts).toEqual([])
  })
})

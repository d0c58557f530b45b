/**
 * "On your network" in Korean: this file runs in a Chromium whose language is ko-KR, with the bridge fed by the
 * main process's real LanDiscovery (test/support/lan-commands.ts).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { commands, page } from 'vitest/browser'
import { startLanguage } from '../../../src/renderer/src/localization'
import { PREFERENCES_KEY } from '../../../src/renderer/src/core/preferences'
import { startServer } from '../core/server'
import type { TestServer } from '../core/server'
import { installDesktopBridge, mediaState, mount } from './fixture'
import { lanBridge } from './lan'

let server: TestServer | undefined

beforeAll(async () => {
  installDesktopBridge({ lan: lanBridge })
  await import('../../../src/renderer/src/components/moim-lobby')
  localStorage.removeItem(PREFERENCES_KEY)
  await startLanguage()
})

afterEach(async () => {
  await commands.stopLanDiscovery()
  await server?.close()
})

describe('내 네트워크 (on your network), in Korean', () => {
  it('names the section and each room in Korean, the advertised names as they are', async () => {
    await commands.startLanDiscovery()
    server = await startServer()
    await mount('moim-lobby', { media: mediaState(), showServer: true, lan: true })
    await expect.element(page.getByRole('heading', { name: '내 네트워크' })).toBeVisible()
    await expect
      .element(page.getByText('아직 내 네트워크에서 찾은 방이 없습니다.', { exact: false }))
      .toBeVisible()
    await commands.announceLan('Minsu._moim._tcp.local', server.address.port, {
      v: '1',
      name: '민수',
      room: '회의',
      locked: '1'
    })
    const where = `${server.address.host}:${server.address.port}`
    await expect
      .element(page.getByRole('button', { name: `${where}에서 민수 님이 연 회의 방에 참여, 비밀번호 필요` }))
      .toBeVisible()
  })
})

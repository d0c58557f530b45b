/**
 * People, stats and refusals in Korean, under a ko-KR browser (the "chromium ko-KR" instance in vitest.config.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { page } from 'vitest/browser'
import { PREFERENCES_KEY } from '../../../src/renderer/src/core/preferences'
import { startLanguage } from '../../../src/renderer/src/localization'
import '../../../src/renderer/src/components/moim-call-view'
import '../../../src/renderer/src/components/moim-lobby'
import { callState, mediaState, mount, peer } from './fixture'

describe('people and words in Korean', () => {
  beforeEach(async () => {
    localStorage.removeItem(PREFERENCES_KEY)
    await startLanguage()
  })

  it('shows the people list, hands and the bar’s people buttons in Korean', async () => {
    await mount('moim-call-view', {
      state: callState({
        self: peer('self-id', 'Ann', { hand: 2 }),
        participants: [
          {
            peer: peer('b', '보람', { hand: 1, audio: false }),
            stream: null,
            connection: 'connected',
            quality: 'weak'
          }
        ]
      }),
      media: mediaState()
    })
    await expect
      .element(page.getByRole('button', { name: '손 들기' }))
      .toHaveAttribute('aria-pressed', 'true')
    await page.getByRole('button', { name: '참여자' }).click()
    await expect.element(page.getByRole('heading', { name: '참여자(2명)' })).toBeVisible()
    await expect.element(page.getByRole('list', { name: '손 든 사람' })).toHaveTextContent(/1\s*보람/)
    const everyone = page.getByRole('list', { name: '통화 중' })
    await expect.element(everyone).toHaveTextContent(/연결 상태: 약함/)
    await expect.element(everyone).toHaveTextContent(/마이크 꺼짐/)
    await expect.element(page.getByRole('group', { name: /^보람, .*손 들었음, 첫 번째/ })).toBeVisible()
    await page.getByRole('button', { name: '연결 통계' }).click()
    await expect.element(page.getByRole('region', { name: '보람' })).toHaveTextContent(/측정 중…/)
  })

  it('asks for a room’s password and names the characters a room cannot have, in Korean', async () => {
    const lobby = await mount('moim-lobby', {
      name: 'Ann',
      room: 'vault',
      error: { code: 'password-required', message: 'This room needs a password.' }
    })
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('이 방은 비밀번호가 필요합니다. 비밀번호를 입력한 뒤 참여를 누르세요.')
    lobby.error = null
    lobby.room = 'team/1'
    await lobby.updateComplete
    await page.getByRole('button', { name: '참여', exact: true }).click()
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent(/^방 이름에는 “\/” 문자를 쓸 수 없습니다\./)
  })
})

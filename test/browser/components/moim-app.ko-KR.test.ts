/**
 * The Korean UI as a Korean user gets it: this file runs in a Chromium whose language is ko-KR (the "chromium
 * ko-KR" instance in vitest.config.ts), with nothing remembered, starting the language the way main.ts does.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { page } from 'vitest/browser'
import { PREFERENCES_KEY, loadPreferences } from '../../../src/renderer/src/core/preferences'
import {
  applyLanguage,
  detectLanguage,
  initialLanguage,
  startLanguage
} from '../../../src/renderer/src/localization'
import type { MoimCallControls } from '../../../src/renderer/src/components/moim-call-controls'
import '../../../src/renderer/src/components/moim-app'
import '../../../src/renderer/src/components/moim-call-controls'
import '../../../src/renderer/src/components/moim-call-view'
import '../../../src/renderer/src/components/moim-ended-view'
import '../../../src/renderer/src/components/moim-lobby'
import { callState, mediaState, message, mount, peer } from './fixture'

function press(init: KeyboardEventInit): void {
  document.body.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, composed: true, ...init }))
}

describe('the Korean UI under a ko-KR browser', () => {
  beforeEach(async () => {
    localStorage.removeItem(PREFERENCES_KEY)
    await startLanguage()
    await page.viewport(1280, 800)
  })

  it('starts in Korean from the browser’s languages when no language was chosen', async () => {
    expect(navigator.language).toBe('ko-KR')
    expect(detectLanguage(navigator.languages)).toBe('ko')
    expect(document.documentElement.lang).toBe('ko')
    await mount('moim-app')
    await expect.element(page.getByRole('heading', { name: '방 참여' })).toBeVisible()
    await expect.element(page.getByRole('button', { name: '참여', exact: true })).toBeVisible()
    await expect.element(page.getByLabelText('이름', { exact: true })).toBeVisible()
    await expect
      .element(page.getByRole('group', { name: '언어' }).getByRole('button', { name: '한국어' }))
      .toHaveAttribute('aria-pressed', 'true')
    expect(document.title).toBe('모임')
  })

  it('words refusals in Korean: a missing name, a full room, and a page server that is not Moim', async () => {
    await mount('moim-app')
    // The test page is served by Vitest, not by a Moim server.
    await expect
      .element(page.getByRole('alert'), { timeout: 10_000 })
      .toHaveTextContent('모임 서버가 아니거나')
    await page.getByRole('button', { name: '참여', exact: true }).click()
    await expect.element(page.getByRole('alert')).toHaveTextContent('이름을 입력하세요.')
    document.querySelector('moim-app')!.remove()
    await mount('moim-lobby', { error: { code: 'full', message: 'The room is full.' } })
    await expect.element(page.getByRole('alert')).toHaveTextContent('방이 가득 찼습니다.')
  })

  it('switches to English at once with the header’s switch, remembers it, and starts in it next time', async () => {
    await mount('moim-app')
    await page.getByRole('button', { name: 'English' }).click()
    await expect.element(page.getByRole('heading', { name: 'Join a room' })).toBeVisible()
    await expect
      .element(page.getByRole('button', { name: 'English' }))
      .toHaveAttribute('aria-pressed', 'true')
    expect(document.documentElement.lang).toBe('en')
    expect(loadPreferences().language).toBe('en')
    // The browser still says ko-KR; the choice wins.
    expect(initialLanguage()).toBe('en')
    await page.getByRole('button', { name: '한국어' }).click()
    await expect.element(page.getByRole('heading', { name: '방 참여' })).toBeVisible()
    expect(loadPreferences().language).toBe('ko')
  })

  it('keeps the name 마이크 on the microphone toggle, says on or off with aria-pressed, and takes ㅡ (the M key)', async () => {
    const controls = await mount('moim-call-controls', { media: mediaState() })
    controls.addEventListener('moim-toggle-mute', () => (controls.muted = !controls.muted))
    controls.addEventListener('moim-toggle-camera', () => (controls.cameraOff = !controls.cameraOff))
    const microphone = page.getByRole('button', { name: '마이크', exact: true })
    await expect.element(microphone).toHaveAttribute('aria-pressed', 'true')
    await expect.element(microphone).toHaveAttribute('title', '마이크 끄기 (M)')
    ;(document.activeElement as HTMLElement | null)?.blur()
    press({ key: 'ㅡ', code: 'KeyM' })
    expect((controls as MoimCallControls).muted).toBe(true)
    await expect.element(microphone).toHaveAttribute('aria-pressed', 'false')
    await expect.element(microphone).toHaveAttribute('title', '마이크 켜기 (M)')
    press({ key: 'ㅍ', code: 'KeyV' })
    expect(controls.cameraOff).toBe(true)
    await expect
      .element(page.getByRole('button', { name: '카메라', exact: true }))
      .toHaveAttribute('aria-pressed', 'false')
    await expect.element(page.getByRole('button', { name: '나가기' })).toBeVisible()
  })

  it('counts people with 명, words join lines in Korean and writes chat times the Korean way', async () => {
    const ts = Date.UTC(2026, 0, 1, 14, 5)
    const joined = {
      kind: 'system' as const,
      id: 's1',
      text: 'Minji joined.',
      ts,
      event: { type: 'joined' as const, name: '민지' }
    }
    const view = await mount('moim-call-view', {
      state: callState({
        participants: ['b', 'c'].map((id) => ({
          peer: peer(id, id),
          stream: null,
          connection: 'connected' as const
        })),
        chat: [joined, message('민지', '안녕하세요')]
      }),
      media: mediaState()
    })
    expect(view.shadowRoot!.querySelector('.people')!.textContent!.trim()).toBe('3명')
    const panel = view.shadowRoot!.querySelector('moim-chat-panel')!
    await panel.updateComplete
    const lines = [...panel.shadowRoot!.querySelectorAll('li')]
    expect(lines[0].textContent).toContain('민지 님이 참여했습니다.')
    const time = lines[0].querySelector('time')!.textContent!
    expect(time).toMatch(/^(오전|오후) \d{1,2}:\d{2}$/)
    expect(time).toBe(new Intl.DateTimeFormat('ko-KR', { hour: 'numeric', minute: '2-digit' }).format(ts))
    await expect.element(page.getByRole('heading', { name: '채팅' })).toBeVisible()
    await expect
      .element(page.getByRole('textbox', { name: '메시지' }))
      .toHaveAttribute('placeholder', '메시지 입력')
  })

  it('says in Korean that someone is reconnecting, that we are, and that we had to join again', async () => {
    const view = await mount('moim-call-view', {
      state: callState({
        server: 'reconnecting',
        notice: 'rejoined-afresh',
        participants: [
          { peer: { ...peer('b', 'Bo'), reconnecting: true }, stream: null, connection: 'connected' }
        ]
      }),
      media: mediaState()
    })
    await expect.element(page.getByText('서버 연결이 끊겼습니다', { exact: false })).toBeVisible()
    await expect.element(page.getByText('방에 다시 들어왔습니다', { exact: false })).toBeVisible()
    const tile = view
      .shadowRoot!.querySelector('moim-video-grid')!
      .shadowRoot!.querySelector('[data-peer-id="b"]')!
    expect(tile.getAttribute('aria-label')).toBe('Bo, 다시 연결하는 중…')
  })

  it('tells that the host ended the room in Korean', async () => {
    await mount('moim-ended-view')
    await expect.element(page.getByRole('alert')).toHaveTextContent('호스트가 방을 종료했습니다')
    await expect.element(page.getByRole('button', { name: '로비로 돌아가기' })).toBeVisible()
  })

  it('falls back to English everywhere when English is applied', async () => {
    await applyLanguage('en')
    await mount('moim-ended-view')
    await expect.element(page.getByRole('alert')).toHaveTextContent('The host ended the room')
  })
})

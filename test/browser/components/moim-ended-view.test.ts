import { describe, expect, it } from 'vitest'
import { page } from 'vitest/browser'
import '../../../src/renderer/src/components/moim-ended-view'
import { mount } from './fixture'

describe('moim-ended-view', () => {
  it('announces that the host ended the room and moves focus to it', async () => {
    const view = await mount('moim-ended-view')
    await expect.element(page.getByRole('alert')).toHaveTextContent(/The host ended the room/)
    expect(view.shadowRoot!.activeElement?.textContent).toBe('The host ended the room')
  })

  it('offers a way back to the lobby', async () => {
    const view = await mount('moim-ended-view')
    let back = 0
    view.addEventListener('moim-back-to-lobby', () => back++)
    await page.getByRole('button', { name: 'Back to lobby' }).click()
    expect(back).toBe(1)
  })
})

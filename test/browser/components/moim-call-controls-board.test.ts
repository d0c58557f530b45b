/**
 * The call controls' whiteboard button: one name, its state in aria-pressed, the B key, and who else has the
 * board open (a badge with their count and their names for screen readers).
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { page, userEvent } from 'vitest/browser'
import type { MoimCallControls } from '../../../src/renderer/src/components/moim-call-controls'
import '../../../src/renderer/src/components/moim-call-controls'
import { mediaState, mount } from './fixture'

/** Controls whose board toggle is applied the way the app applies it: the event flips the property. */
async function wiredControls(): Promise<MoimCallControls> {
  const controls = await mount('moim-call-controls', { media: mediaState() })
  controls.addEventListener('moim-toggle-board', () => (controls.boardOpen = !controls.boardOpen))
  return controls
}

describe('moim-call-controls: whiteboard', () => {
  beforeEach(async () => {
    await page.viewport(1280, 800)
  })

  it('opens and closes the board by a button with one name and aria-pressed', async () => {
    const controls = await wiredControls()
    const board = page.getByRole('button', { name: 'Whiteboard', exact: true })
    await expect.element(board).toHaveAttribute('aria-pressed', 'false')
    await expect.element(board).toHaveAttribute('title', 'Open the whiteboard (B)')
    await board.click()
    expect(controls.boardOpen).toBe(true)
    await expect.element(board).toHaveAttribute('aria-pressed', 'true')
    await expect.element(board).toHaveAttribute('title', 'Close the whiteboard (B)')
  })

  it('toggles the board with the B key (by its code, so on every layout)', async () => {
    const controls = await wiredControls()
    ;(document.activeElement as HTMLElement | null)?.blur()
    await userEvent.keyboard('b')
    expect(controls.boardOpen).toBe(true)
    // The key where B is, whatever it types (ㅠ on a Korean layout).
    window.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyB', key: 'ㅠ', bubbles: true }))
    expect(controls.boardOpen).toBe(false)
  })

  it('says who else has the board open: a count on the button, names for screen readers', async () => {
    const controls = await wiredControls()
    controls.boardViewers = ['Bo', 'Cy']
    await controls.updateComplete
    const button = controls.shadowRoot!.querySelector('button[aria-keyshortcuts="B"]')!
    expect(button.querySelector('.badge')?.textContent?.trim()).toBe('2')
    const description = controls.shadowRoot!.getElementById(button.getAttribute('aria-describedby')!)
    expect(description?.textContent).toBe('On the whiteboard: Bo, Cy')
    // Nobody else: no badge, nothing said.
    controls.boardViewers = []
    await controls.updateComplete
    expect(button.querySelector('.badge')).toBeNull()
    expect(description?.textContent).toBe('')
  })
})

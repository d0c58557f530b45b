import { beforeEach, describe, expect, it } from 'vitest'
import { page, userEvent } from 'vitest/browser'
import type { MoimCallControls } from '../../../src/renderer/src/components/moim-call-controls'
import '../../../src/renderer/src/components/moim-call-controls'
import '../../../src/renderer/src/components/moim-chat-panel'
import { mediaState, mount } from './fixture'

/** The device picker's select for `kind`, found through the shadow roots (hidden ones are not in the a11y tree). */
function select(controls: MoimCallControls, kind: string): HTMLSelectElement {
  const picker = controls.shadowRoot!.querySelector('moim-device-picker')!
  return picker.shadowRoot!.querySelector<HTMLSelectElement>(`#device-${kind}`)!
}

/** Controls whose toggles are applied the way the app applies them: the event flips the property. */
async function wiredControls(): Promise<MoimCallControls> {
  const controls = await mount('moim-call-controls', { media: mediaState() })
  controls.addEventListener('moim-toggle-mute', () => (controls.muted = !controls.muted))
  controls.addEventListener('moim-toggle-camera', () => (controls.cameraOff = !controls.cameraOff))
  return controls
}

describe('moim-call-controls', () => {
  beforeEach(async () => {
    await page.viewport(1280, 800)
  })

  it('keeps one name for the microphone toggle and says on or off with aria-pressed alone', async () => {
    const controls = await wiredControls()
    const microphone = page.getByRole('button', { name: 'Microphone', exact: true })
    await expect.element(microphone).toHaveAttribute('aria-pressed', 'true')
    await expect.element(microphone).toHaveAttribute('title', 'Mute microphone (M)')
    await microphone.click()
    expect(controls.muted).toBe(true)
    // The same button, by the same name: only its pressed state (and the tooltip saying what a press does) changed.
    await expect.element(microphone).toHaveAttribute('aria-pressed', 'false')
    await expect.element(microphone).toHaveAttribute('title', 'Unmute microphone (M)')
    expect(page.getByRole('button', { name: /mute/i }).elements()).toHaveLength(0)
  })

  it('keeps one name for the camera toggle and says on or off with aria-pressed alone', async () => {
    const controls = await wiredControls()
    const camera = page.getByRole('button', { name: 'Camera', exact: true })
    await expect.element(camera).toHaveAttribute('aria-pressed', 'true')
    await camera.click()
    expect(controls.cameraOff).toBe(true)
    await expect.element(camera).toHaveAttribute('aria-pressed', 'false')
    await expect.element(camera).toHaveAttribute('title', 'Turn camera on (V)')
  })

  it('toggles the microphone with M and the camera with V when focus is not in a text field', async () => {
    const controls = await wiredControls()
    ;(document.activeElement as HTMLElement | null)?.blur()
    await userEvent.keyboard('m')
    await expect
      .element(page.getByRole('button', { name: 'Microphone', exact: true }))
      .toHaveAttribute('aria-pressed', 'false')
    expect(controls.muted).toBe(true)
    await userEvent.keyboard('v')
    expect(controls.cameraOff).toBe(true)
    await userEvent.keyboard('M')
    expect(controls.muted).toBe(false)
  })

  it('toggles with the M and V keys of a Korean layout, which type ㅡ and ㅍ', async () => {
    const controls = await wiredControls()
    ;(document.activeElement as HTMLElement | null)?.blur()
    const press = (init: KeyboardEventInit) =>
      document.body.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, composed: true, ...init }))
    press({ key: 'ㅡ', code: 'KeyM' })
    expect(controls.muted).toBe(true)
    press({ key: 'ㅍ', code: 'KeyV' })
    expect(controls.cameraOff).toBe(true)
    // Shift+M types ㅡ too on that layout; still the same key.
    press({ key: 'ㅡ', code: 'KeyM', shiftKey: true })
    expect(controls.muted).toBe(false)
  })

  it('ignores the shortcut keys with Ctrl, Alt or Meta, and the characters m and v typed by other keys', async () => {
    const controls = await wiredControls()
    ;(document.activeElement as HTMLElement | null)?.blur()
    const press = (init: KeyboardEventInit) =>
      document.body.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, composed: true, ...init }))
    press({ key: 'ㅡ', code: 'KeyM', ctrlKey: true })
    press({ key: 'm', code: 'KeyM', altKey: true })
    press({ key: 'v', code: 'KeyV', metaKey: true })
    // AZERTY's "m" sits where QWERTY has ";": shortcuts follow the key's place, like the aria-keyshortcuts.
    press({ key: 'm', code: 'Semicolon' })
    press({ key: 'ㅡ', code: 'KeyM', isComposing: true })
    expect(controls.muted).toBe(false)
    expect(controls.cameraOff).toBe(false)
  })

  it('ignores M and V typed into the chat Message box', async () => {
    const controls = await wiredControls()
    const chat = await mount('moim-chat-panel')
    const input = chat.shadowRoot!.querySelector<HTMLInputElement>('input')!
    await userEvent.click(input)
    await userEvent.keyboard('move')
    expect(input.value).toBe('move')
    expect(controls.muted).toBe(false)
    expect(controls.cameraOff).toBe(false)
  })

  it('ignores the shortcut keys once removed from the page', async () => {
    const controls = await wiredControls()
    controls.remove()
    await userEvent.keyboard('m')
    // The wired listener sits on the element itself, so a leftover window listener would still flip this.
    expect(controls.muted).toBe(false)
  })

  it('fires leave from the "Leave call" button', async () => {
    const controls = await wiredControls()
    let left = 0
    controls.addEventListener('moim-leave', () => left++)
    await page.getByRole('button', { name: 'Leave call' }).click()
    expect(left).toBe(1)
  })

  it('labels the device selects Camera, Microphone and Speaker and reports a pick', async () => {
    const controls = await wiredControls()
    const picks: string[] = []
    controls.addEventListener('moim-select-device', (e) => picks.push(`${e.detail.kind}:${e.detail.id}`))
    await expect.element(page.getByRole('combobox', { name: 'Microphone', exact: true })).toBeVisible()
    await expect.element(page.getByRole('combobox', { name: 'Speaker', exact: true })).toBeVisible()
    await page.getByRole('combobox', { name: 'Camera', exact: true }).selectOptions('cam-b')
    expect(picks).toEqual(['camera:cam-b'])
  })

  it('shows the unread count on the Chat toggle only while the chat is closed', async () => {
    const controls = await mount('moim-call-controls', { unread: 3, chatOpen: false })
    const chat = page.getByRole('button', { name: 'Chat', exact: true })
    await expect.element(chat).toHaveAttribute('aria-expanded', 'false')
    await expect.element(chat).toHaveAccessibleDescription('3 unread messages')
    expect(controls.shadowRoot!.querySelector('.badge')!.textContent).toBe('3')
    controls.chatOpen = true
    await controls.updateComplete
    await expect.element(chat).toHaveAttribute('aria-pressed', 'true')
    expect(controls.shadowRoot!.querySelector('.badge')).toBeNull()
  })

  it('folds the device selects behind a Devices button on a phone-sized window', async () => {
    await page.viewport(400, 780)
    try {
      const controls = await wiredControls()
      expect(select(controls, 'camera').checkVisibility()).toBe(false)
      const devices = page.getByRole('button', { name: 'Devices' })
      await devices.click()
      await expect.element(devices).toHaveAttribute('aria-expanded', 'true')
      await expect.element(page.getByRole('combobox', { name: 'Camera', exact: true })).toBeVisible()
    } finally {
      await page.viewport(1280, 800)
    }
  })

  it('shows the device selects without a Devices button on a wide window', async () => {
    const controls = await wiredControls()
    await expect.element(page.getByRole('combobox', { name: 'Camera', exact: true })).toBeVisible()
    const devices = controls.shadowRoot!.querySelector<HTMLButtonElement>('button[aria-controls="devices"]')!
    expect(devices.checkVisibility()).toBe(false)
  })

  it('disables the microphone and camera toggles, and their keys, when there are no such devices', async () => {
    const controls = await mount('moim-call-controls', {
      media: mediaState({ cameras: [], microphones: [], cameraId: null, microphoneId: null })
    })
    let toggles = 0
    controls.addEventListener('moim-toggle-mute', () => toggles++)
    controls.addEventListener('moim-toggle-camera', () => toggles++)
    await expect.element(page.getByRole('button', { name: 'Microphone', exact: true })).toBeDisabled()
    await expect.element(page.getByRole('button', { name: 'Camera', exact: true })).toBeDisabled()
    ;(document.activeElement as HTMLElement | null)?.blur()
    await userEvent.keyboard('mv')
    expect(toggles).toBe(0)
  })
})

import { describe, expect, it } from 'vitest'
import { page, userEvent } from 'vitest/browser'
import type { JoinRequestDetail } from '../../../src/renderer/src/components/events'
import type { MoimLobby } from '../../../src/renderer/src/components/moim-lobby'
import '../../../src/renderer/src/components/moim-lobby'
import { mediaState, mount } from './fixture'

async function lobby(
  props: Partial<MoimLobby> = {}
): Promise<{ lobby: MoimLobby; joins: JoinRequestDetail[] }> {
  const element = await mount('moim-lobby', { media: mediaState(), ...props })
  const joins: JoinRequestDetail[] = []
  element.addEventListener('moim-join', (event) => joins.push(event.detail))
  return { lobby: element, joins }
}

describe('moim-lobby', () => {
  it('in a browser shows no "On your network" section and never loads it (only the desktop app can browse)', async () => {
    await lobby({ showServer: true })
    await expect.element(page.getByLabelText('Your name')).toBeVisible()
    await expect.element(page.getByRole('heading', { name: 'On your network' })).not.toBeInTheDocument()
    expect(customElements.get('moim-lan-rooms')).toBeUndefined()
  })

  it('asks for a name before joining, in an alert, and does not join', async () => {
    const { lobby: element, joins } = await lobby()
    await page.getByLabelText('Room', { exact: true }).fill('standup')
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    await expect.element(page.getByRole('alert')).toHaveTextContent('Enter your name.')
    await expect.element(page.getByLabelText('Your name')).toHaveAttribute('aria-invalid', 'true')
    // toHaveFocus compares with document.activeElement, which is the shadow host: ask the shadow root.
    await expect.poll(() => element.shadowRoot!.activeElement?.id).toBe('name')
    expect(joins).toEqual([])
  })

  it('asks for a room when none is given', async () => {
    const { joins } = await lobby()
    await page.getByLabelText('Your name').fill('Ann')
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    await expect.element(page.getByRole('alert')).toHaveTextContent(/Enter a room name/)
    expect(joins).toEqual([])
  })

  it('joins with the trimmed name and room and the password, using the page’s server', async () => {
    const { joins } = await lobby()
    await expect.element(page.getByLabelText('Server address')).not.toBeInTheDocument()
    await page.getByLabelText('Your name').fill('  Ann ')
    await page.getByLabelText('Room', { exact: true }).fill(' standup ')
    await page.getByLabelText('Password').fill('s3cret')
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    expect(joins).toEqual([{ name: 'Ann', room: 'standup', password: 's3cret', server: null }])
  })

  it('rejects a bad server address with the parser’s message', async () => {
    const { joins } = await lobby({ showServer: true })
    await page.getByLabelText('Your name').fill('Ann')
    await page.getByLabelText('Room', { exact: true }).fill('standup')
    await page.getByLabelText('Server address').fill('192.168.1.300')
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    await expect.element(page.getByRole('alert')).toHaveTextContent(/not a valid IPv4 address/)
    await expect.element(page.getByLabelText('Server address')).toHaveAttribute('aria-invalid', 'true')
    expect(joins).toEqual([])
  })

  it('joins the server and room of a pasted invite link', async () => {
    const { joins } = await lobby({ showServer: true })
    await page.getByLabelText('Your name').fill('Ann')
    await page.getByLabelText('Server address').fill('moim://192.168.1.20:47100/team')
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    expect(joins).toEqual([
      {
        name: 'Ann',
        room: 'team',
        server: { host: '192.168.1.20', port: 47100, room: 'team', url: 'http://192.168.1.20:47100' }
      }
    ])
  })

  it.each([
    ['an invisible character', 'Alice\u034F', 'Your name contains invisible characters'],
    ['no visible character', '\u3164', 'Your name needs at least one visible letter']
  ])('refuses a name with %s on the name field, in its own words', async (_, name, sentence) => {
    const { lobby: element, joins } = await lobby()
    await page.getByLabelText('Your name').fill(name)
    await page.getByLabelText('Room', { exact: true }).fill('standup')
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    await expect.element(page.getByRole('alert')).toHaveTextContent(sentence)
    await expect.element(page.getByLabelText('Your name')).toHaveAttribute('aria-invalid', 'true')
    await expect.poll(() => element.shadowRoot!.activeElement?.id).toBe('name')
    expect(joins).toEqual([])
  })

  it('refuses a room name ending in a Hangul filler on the room field', async () => {
    const { lobby: element, joins } = await lobby()
    await page.getByLabelText('Your name').fill('Ann')
    await page.getByLabelText('Room', { exact: true }).fill('Lounge\u3164')
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('The room name contains invisible characters')
    await expect.poll(() => element.shadowRoot!.activeElement?.id).toBe('room')
    expect(joins).toEqual([])
  })

  it('joins with the name and room in the form the server stores them (NFC)', async () => {
    const { joins } = await lobby()
    await page.getByLabelText('Your name').fill('Jose\u0301')
    await page.getByLabelText('Room', { exact: true }).fill('Cafe\u0301')
    await page.getByRole('button', { name: 'Join', exact: true }).click()
    expect(joins).toEqual([{ name: 'José', room: 'Café', server: null }])
  })

  it('words a server refusal of a field itself, marks that field and focuses it', async () => {
    const { lobby: element } = await lobby({ name: 'Ann', room: 'board', busy: true })
    element.busy = false
    element.error = {
      code: 'invalid',
      message: 'name: name must not contain invisible characters',
      field: 'name',
      reason: 'invisible-characters'
    }
    await element.updateComplete
    const alert = page.getByRole('alert')
    await expect.element(alert).toHaveTextContent('Your name contains invisible characters')
    await expect.element(alert).not.toHaveTextContent('name:')
    await expect.element(page.getByLabelText('Your name')).toHaveAttribute('aria-invalid', 'true')
    await expect.poll(() => element.shadowRoot!.activeElement?.id).toBe('name')
  })

  it('shows a server error such as a full room in an alert', async () => {
    await lobby({ error: { code: 'full', message: 'The room is full.' } })
    await expect.element(page.getByRole('alert')).toHaveTextContent('The room is full.')
  })

  it('marks and focuses the Password field when a join fails on a wrong password', async () => {
    const { lobby: element } = await lobby({ name: 'Ann', room: 'board', busy: true })
    element.busy = false
    element.error = { code: 'wrong-password', message: 'The password is wrong.' }
    await element.updateComplete
    await expect.element(page.getByRole('alert')).toHaveTextContent('The password is wrong.')
    await expect.element(page.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true')
    await expect.element(page.getByLabelText('Your name')).toHaveAttribute('aria-invalid', 'false')
    await expect.poll(() => element.shadowRoot!.activeElement?.id).toBe('password')
  })

  it('does not pull focus to the address field when listing rooms fails while the user types', async () => {
    const { lobby: element } = await lobby({ showServer: true })
    const room = page.getByLabelText('Room', { exact: true })
    await room.click()
    element.error = { code: 'unreachable', message: 'Nothing answered at http://127.0.0.1:9.' }
    await element.updateComplete
    await expect.element(page.getByLabelText('Server address')).toHaveAttribute('aria-invalid', 'true')
    expect(element.shadowRoot!.activeElement?.id).toBe('room')
  })

  it('shows progress while joining: Join disabled, "Joining…", the form busy', async () => {
    const { lobby: element, joins } = await lobby({ busy: true, name: 'Ann', room: 'standup' })
    const button = element.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!
    expect(button.disabled).toBe(true)
    expect(button.textContent?.trim()).toBe('Joining…')
    expect(element.shadowRoot!.querySelector('form')!.getAttribute('aria-busy')).toBe('true')
    element.shadowRoot!.querySelector('form')!.requestSubmit()
    expect(joins).toEqual([])
  })

  it('fills the room from the list of open rooms, with counts and lock state', async () => {
    const { lobby: element } = await lobby({
      rooms: [
        { name: 'standup', count: 2, capacity: 6, locked: false },
        { name: 'board', count: 6, capacity: 6, locked: true }
      ]
    })
    const buttons = [...element.shadowRoot!.querySelectorAll<HTMLButtonElement>('.rooms button')]
    expect(buttons.map((b) => b.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'standup 2/6 people',
      'board full 6/6 people , needs a password'
    ])
    await userEvent.click(buttons[1])
    await expect.element(page.getByLabelText('Room', { exact: true })).toHaveValue('board')
    await expect.poll(() => element.shadowRoot!.activeElement?.id).toBe('password')
  })

  it('offers the device selects and shows a media notice', async () => {
    await lobby({
      media: mediaState({
        cameras: [],
        cameraId: null,
        notice: 'No camera found: others will hear you but not see you.'
      })
    })
    await expect.element(page.getByRole('status')).toHaveTextContent('No camera found')
    await expect.element(page.getByRole('combobox', { name: 'Camera' })).toBeDisabled()
    await expect.element(page.getByRole('combobox', { name: 'Microphone' })).toBeEnabled()
    await expect.element(page.getByRole('combobox', { name: 'Speaker' })).toBeEnabled()
  })

  it('says it is looking for devices until the media state is known', async () => {
    await lobby({ media: mediaState({ cameras: [], microphones: [], speakers: [] }) })
    await expect
      .element(page.getByRole('combobox', { name: 'Camera' }))
      .toHaveDisplayValue('Looking for devices…')
  })

  it('shows a permission error from the devices in an alert, worded from its code and device', async () => {
    await lobby({
      media: mediaState({
        error: { code: 'media-denied', device: 'camera', message: 'core English, for logs' }
      })
    })
    await expect
      .element(page.getByRole('alert'))
      .toHaveTextContent('Permission to use the camera was denied.')
  })

  it('moves the microphone level meter with the level source', async () => {
    let level = 0
    const { lobby: element } = await lobby({ levelSource: () => level })
    const meter = element.shadowRoot!.querySelector('moim-level-meter')!
    const native = meter.shadowRoot!.querySelector('meter')!
    expect(native.value).toBe(0)
    level = 0.6
    await expect.poll(() => native.value).toBeCloseTo(0.6)
    expect(native.labels?.[0]?.textContent).toBe('Input level')
  })
})

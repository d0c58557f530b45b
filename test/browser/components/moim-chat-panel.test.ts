import { describe, expect, it } from 'vitest'
import { userEvent } from 'vitest/browser'
import '../../../src/renderer/src/components/moim-chat-panel'
import { message, mount, systemLine } from './fixture'

describe('moim-chat-panel', () => {
  it('renders markup in a message as literal text and creates no element from it', async () => {
    const hostile = '<img src=x onerror="window.__moimPwned=1"><b>bold</b>'
    const panel = await mount('moim-chat-panel', { entries: [message('Mallory', hostile)] })
    const text = panel.shadowRoot!.querySelector('.message .text')!
    expect(text.textContent).toBe(hostile)
    expect(panel.shadowRoot!.querySelector('img, b')).toBeNull()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((window as { __moimPwned?: number }).__moimPwned).toBeUndefined()
  })

  it('makes http(s) links clickable, opening outside the app, and leaves every other scheme as text', async () => {
    const text =
      'agenda: https://example.org/doc?id=1&x=2. old: http://10.0.0.5:8080/a, ' +
      'not: javascript:alert(1) file:///etc/passwd moim://host/room <a href="https://evil.example">x</a>'
    const panel = await mount('moim-chat-panel', { entries: [message('Ann', text)] })
    const paragraph = panel.shadowRoot!.querySelector('.message .text')!
    const links = [...paragraph.querySelectorAll('a')]
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      'https://example.org/doc?id=1&x=2',
      'http://10.0.0.5:8080/a',
      'https://evil.example'
    ])
    for (const link of links) {
      expect(link.target).toBe('_blank')
      expect(link.rel).toBe('noopener noreferrer')
    }
    // The text reads exactly as sent: the sentence's dot and comma stay outside the links, markup stays text.
    expect(paragraph.textContent).toBe(text)
    expect(paragraph.querySelector('a[href^="javascript"], a[href^="file"], a[href^="moim"]')).toBeNull()
  })

  it('shows sender, a timestamp and join/leave system lines', async () => {
    const entries = [systemLine('Bob joined.'), message('Bob', 'hello'), message('Ann', 'hi Bob', true)]
    const panel = await mount('moim-chat-panel', { entries })
    const items = [...panel.shadowRoot!.querySelectorAll('ol > li')]
    expect(items.map((li) => li.className.trim())).toEqual(['system', 'message', 'message self'])
    expect(items[0].textContent).toContain('Bob joined.')
    expect(items[1].querySelector('.from')!.textContent).toBe('Bob')
    expect(items[2].querySelector('.from')!.textContent).toBe('You')
    const time = items[1].querySelector('time')!
    expect(time.dateTime).toBe(new Date((entries[1] as { message: { ts: number } }).message.ts).toISOString())
    expect(time.textContent).toMatch(/\d/)
  })

  it('is a live log labelled for screen readers', async () => {
    const panel = await mount('moim-chat-panel', { entries: [] })
    const log = panel.shadowRoot!.querySelector('[role="log"]')!
    expect(log.getAttribute('aria-label')).toBe('Chat history')
  })

  it('sends the trimmed text from the Message box with Enter, then clears the box', async () => {
    const panel = await mount('moim-chat-panel')
    const sent: string[] = []
    panel.addEventListener('moim-send-chat', (event) => sent.push(event.detail.text))
    const input = panel.shadowRoot!.querySelector<HTMLInputElement>('input')!
    expect(input.labels?.[0]?.textContent).toBe('Message')
    await userEvent.click(input)
    await userEvent.keyboard('  see you at 10  {Enter}')
    expect(sent).toEqual(['see you at 10'])
    await panel.updateComplete
    expect(input.value).toBe('')
  })

  it('does not send an empty or blank message', async () => {
    const panel = await mount('moim-chat-panel')
    let sent = 0
    panel.addEventListener('moim-send-chat', () => sent++)
    const input = panel.shadowRoot!.querySelector<HTMLInputElement>('input')!
    await userEvent.click(input)
    await userEvent.keyboard('   {Enter}')
    expect(sent).toBe(0)
    const send = panel.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!
    expect(send.textContent?.trim()).toBe('Send')
    expect(send.disabled).toBe(true)
  })

  it('shows a failed send in an alert', async () => {
    const panel = await mount('moim-chat-panel', { sendError: 'Too many requests; slow down.' })
    expect(panel.shadowRoot!.querySelector('[role="alert"]')!.textContent).toBe(
      'Too many requests; slow down.'
    )
  })

  it('follows new messages while the reader is at the bottom, and not after they scroll back', async () => {
    const many = Array.from({ length: 40 }, (_, i) => message('Bob', `line ${i}`))
    const panel = await mount('moim-chat-panel')
    panel.style.height = '300px'
    panel.entries = many
    await panel.updateComplete
    const log = panel.shadowRoot!.querySelector('ol')!
    const atBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < 2
    expect(log.scrollHeight).toBeGreaterThan(log.clientHeight)
    expect(atBottom()).toBe(true)

    panel.entries = [...panel.entries, message('Bob', 'newest')]
    await panel.updateComplete
    expect(atBottom()).toBe(true)

    log.scrollTop = 0
    panel.entries = [...panel.entries, message('Bob', 'one more')]
    await panel.updateComplete
    expect(log.scrollTop).toBe(0)
  })
})

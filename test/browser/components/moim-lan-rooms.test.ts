/**
 * The lobby's "On your network" list in the desktop app, with the bridge fed by the main process's real
 * LanDiscovery (run in Node by test/support/lan-commands.ts): advertisements go through its checks and its
 * `/moim.json` verification against real signaling servers before the lobby shows them.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { commands, page } from 'vitest/browser'
import type { JoinRequestDetail } from '../../../src/renderer/src/components/events'
import type { JoinAddress } from '../../../src/shared/join-address'
import { startServer } from '../core/server'
import type { TestServer } from '../core/server'
import { installDesktopBridge, mediaState, mount } from './fixture'
import { lanBridge } from './lan'

beforeAll(async () => {
  // Before the platform bridge is first read, so it reports the desktop app with this `lan` section.
  installDesktopBridge({ lan: lanBridge })
  await import('../../../src/renderer/src/components/moim-lobby')
})

let servers: TestServer[] = []

beforeEach(async () => {
  await commands.startLanDiscovery()
  servers = [await startServer(), await startServer()]
})

afterEach(async () => {
  await commands.stopLanDiscovery()
  await Promise.all(servers.map((server) => server.close()))
})

const where = (server: TestServer): string => `${server.address.host}:${server.address.port}`

async function lobby() {
  const element = await mount('moim-lobby', { media: mediaState(), showServer: true, lan: true, name: 'Ann' })
  const joins: JoinRequestDetail[] = []
  const listed: JoinAddress[] = []
  element.addEventListener('moim-join', (event) => joins.push(event.detail))
  element.addEventListener('moim-server-change', (event) => listed.push(event.detail.server))
  return { element, joins, listed }
}

describe('moim-lobby: on your network', () => {
  it('lists a verified host’s room and joins it with one click, with the name typed', async () => {
    const [host] = servers
    const { joins } = await lobby()
    await expect.element(page.getByRole('heading', { name: 'On your network' })).toBeVisible()
    await expect
      .element(page.getByText('No rooms found on your network yet.', { exact: false }))
      .toBeVisible()

    await commands.announceLan('Minsu._moim._tcp.local', host.address.port, {
      v: '1',
      name: 'Minsu',
      room: 'standup',
      locked: '0'
    })
    const join = page.getByRole('button', { name: `Join standup, hosted by Minsu at ${where(host)}` })
    await expect.element(join).toBeVisible()
    await expect.element(join).toHaveTextContent(`standup Minsu · ${where(host)}`)
    await join.click()
    expect(joins).toEqual([
      {
        name: 'Ann',
        room: 'standup',
        server: { host: host.address.host, port: host.address.port, url: host.address.url }
      }
    ])
  })

  it('shows an HTML name as text, leaves out what does not verify or check out, and drops a server that says goodbye', async () => {
    const [first, second] = servers
    const { element, listed } = await lobby()
    await commands.announceLan('html._moim._tcp.local', first.address.port, {
      v: '1',
      name: '<img src=x onerror=alert(1)>',
      locked: '0'
    })
    await commands.announceLan('bell._moim._tcp.local', second.address.port, {
      v: '1',
      name: 'Bell\u0007',
      locked: '0'
    })
    // Port 9 (discard) has no Moim server behind it.
    await commands.announceLan('ghost._moim._tcp.local', 9, { v: '1', name: 'Ghost', locked: '0' })
    await commands.announceLan('future._moim._tcp.local', second.address.port, {
      v: '2',
      name: 'Future',
      locked: '0'
    })
    const html = page.getByRole('button', { name: `Open <img src=x onerror=alert(1)> at ${where(first)}` })
    await expect.element(html).toBeVisible()
    const section = element.shadowRoot!.querySelector('moim-lan-rooms')!
    expect(section.shadowRoot!.querySelector('img')).toBeNull()
    expect(section.shadowRoot!.querySelectorAll('li')).toHaveLength(1)

    // A server of many rooms: the click fills its address, so the lobby lists its rooms.
    await html.click()
    await expect.element(page.getByLabelText('Server address')).toHaveValue(where(first))
    expect(listed).toEqual([first.address])

    await commands.goodbyeLan('html._moim._tcp.local')
    await expect.element(html).not.toBeInTheDocument()
    await expect
      .element(page.getByText('No rooms found on your network yet.', { exact: false }))
      .toBeVisible()
  })

  it('asks for the password of a locked room instead of joining without it', async () => {
    const [host] = servers
    const { element, joins } = await lobby()
    await commands.announceLan('Minsu._moim._tcp.local', host.address.port, {
      v: '1',
      name: 'Minsu',
      room: 'standup',
      locked: '1'
    })
    await page
      .getByRole('button', { name: `Join standup, hosted by Minsu at ${where(host)}, needs a password` })
      .click()
    await expect.poll(() => element.shadowRoot!.activeElement?.id).toBe('password')
    await expect.element(page.getByLabelText('Room', { exact: true })).toHaveValue('standup')
    expect(joins).toEqual([])
  })
})

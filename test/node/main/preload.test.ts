import { describe, expect, it, vi } from 'vitest'
import { IpcChannels } from '../../../src/shared/ipc'
import type { MoimBridge } from '../../../src/shared/ipc'

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as unknown[][],
  listeners: new Map<string, Set<(event: unknown, payload: unknown) => void>>()
}))
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => electron.exposed.set(name, api) },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => {
      electron.invoked.push(args)
      return { ok: true, value: null }
    },
    on: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
      const set = electron.listeners.get(channel) ?? new Set()
      set.add(listener)
      electron.listeners.set(channel, set)
    },
    removeListener: (channel: string, listener: (event: unknown, payload: unknown) => void) =>
      electron.listeners.get(channel)?.delete(listener)
  }
}))

await import('../../../src/preload/index')
const bridge = electron.exposed.get('moim') as MoimBridge

describe('preload bridge', () => {
  it('exposes only window.moim, marked as the app, with no raw ipcRenderer', () => {
    expect([...electron.exposed.keys()]).toEqual(['moim'])
    expect(bridge.isMoimApp).toBe(true)
    expect(Object.keys(bridge).sort()).toEqual([
      'host',
      'invite',
      'isMoimApp',
      'os',
      'recent',
      'screen',
      'shell'
    ])
    expect(JSON.stringify(Object.keys(bridge))).not.toMatch(/ipc|send|invoke/i)
  })

  it('maps each method to its own channel with the arguments as given', async () => {
    electron.invoked.length = 0
    await bridge.host.start({ name: 'Ann', room: 'team' })
    await bridge.host.stop()
    await bridge.host.status()
    await bridge.recent.list()
    await bridge.recent.add({ address: '10.0.0.2' })
    await bridge.recent.remove('10.0.0.2:47100')
    await bridge.screen.choose({ requestId: 'r', sourceId: null })
    await bridge.shell.openExternal('https://example.org/')
    await bridge.invite.pending()
    expect(electron.invoked).toEqual([
      [IpcChannels.hostStart, { name: 'Ann', room: 'team' }],
      [IpcChannels.hostStop],
      [IpcChannels.hostStatus],
      [IpcChannels.recentList],
      [IpcChannels.recentAdd, { address: '10.0.0.2' }],
      [IpcChannels.recentRemove, '10.0.0.2:47100'],
      [IpcChannels.screenChoose, { requestId: 'r', sourceId: null }],
      [IpcChannels.shellOpenExternal, 'https://example.org/'],
      [IpcChannels.invitePending]
    ])
  })

  it('hands event listeners the payload only (never the event and its sender), and unsubscribes', () => {
    const received: unknown[][] = []
    const offs = [
      bridge.host.onChanged((...args) => received.push(['host', ...args])),
      bridge.screen.onPick((...args) => received.push(['pick', ...args])),
      bridge.invite.onOpened((...args) => received.push(['invite', ...args]))
    ]
    const emit = (channel: string, payload: unknown) =>
      electron.listeners.get(channel)?.forEach((listener) => listener({ sender: 'ipcRenderer' }, payload))
    emit(IpcChannels.hostChanged, { running: false })
    emit(IpcChannels.screenPick, { requestId: 'r', sources: [] })
    emit(IpcChannels.inviteOpened, 'moim://10.0.0.2:47100/team')
    expect(received).toEqual([
      ['host', { running: false }],
      ['pick', { requestId: 'r', sources: [] }],
      ['invite', 'moim://10.0.0.2:47100/team']
    ])
    for (const off of offs) off()
    emit(IpcChannels.hostChanged, { running: false })
    expect(received).toHaveLength(3)
  })
})

/** Mounting helpers for component tests: every mounted element is removed after each test. */
import { afterEach } from 'vitest'
import { setLogLevel } from '../../../src/shared/logger'
import type { LitElement } from 'lit'
import type { ChatEntry, MediaState, CallState } from '../../../src/renderer/src/core/types'
import type { HostStatus } from '../../../src/shared/ipc'
import type { Peer } from '../../../src/shared/protocol'

// Tests assert on behaviour, not on log lines (the core warns, e.g., about fake speaker ids).
setLogLevel('silent')

const mounted: Element[] = []

afterEach(() => {
  for (const element of mounted.splice(0)) element.remove()
})

/** Creates `<tag>`, assigns `props`, attaches it to the document and waits for its first render. */
export async function mount<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {}
): Promise<HTMLElementTagNameMap[K]> {
  const element = document.createElement(tag)
  Object.assign(element, props)
  document.body.append(element)
  mounted.push(element)
  await (element as unknown as LitElement).updateComplete
  return element
}

/** Waits for a Lit element (and, one level down, its Lit children) to finish rendering. */
export async function settle(element: LitElement): Promise<void> {
  await element.updateComplete
  const children = element.shadowRoot?.querySelectorAll('*') ?? []
  for (const child of children) {
    if ('updateComplete' in child) await (child as LitElement).updateComplete
  }
}

export function peer(id: string, name: string, changes: Partial<Peer> = {}): Peer {
  return { id, name, audio: true, video: true, screen: false, ...changes }
}

let sequence = 0
export function message(name: string, text: string, self = false): ChatEntry {
  sequence++
  return {
    kind: 'message',
    self,
    message: { id: `m${sequence}`, from: `id-${name}`, name, text, ts: Date.UTC(2026, 0, 1, 9, sequence) }
  }
}

export function systemLine(text: string): ChatEntry {
  sequence++
  return { kind: 'system', id: `s${sequence}`, text, ts: Date.UTC(2026, 0, 1, 9, sequence) }
}

export function mediaState(changes: Partial<MediaState> = {}): MediaState {
  return {
    cameras: [
      { id: 'cam-a', label: 'Front camera', kind: 'camera' },
      { id: 'cam-b', label: 'USB camera', kind: 'camera' }
    ],
    microphones: [{ id: 'mic-a', label: 'Built-in microphone', kind: 'microphone' }],
    speakers: [{ id: 'spk-a', label: 'Speakers', kind: 'speaker' }],
    cameraId: 'cam-a',
    microphoneId: 'mic-a',
    speakerId: 'spk-a',
    localStream: null,
    muted: false,
    cameraOff: false,
    sharingScreen: false,
    noiseSuppression: true,
    echoCancellation: true,
    notice: null,
    error: null,
    ...changes
  }
}

export function callState(changes: Partial<CallState> = {}): CallState {
  return {
    phase: 'in-call',
    server: 'connected',
    self: peer('self-id', 'Ann'),
    room: { name: 'standup', count: 1, capacity: 6, locked: false },
    participants: [],
    chat: [],
    rooms: [],
    reactions: [],
    boardOpen: false,
    boardViewers: [],
    error: null,
    notice: null,
    ...changes
  }
}

/** An IPC success result, as the bridge answers. */
export const bridgeOk = <T>(value: T) => Promise.resolve({ ok: true as const, value })
const notRunning: HostStatus = { running: false }

/**
 * Installs a stand-in for the preload's `window.moim` (a desktop app with nothing hosted, no recent hosts, no
 * invite), with `sections` replacing whole parts of it; call before the app module loads, so the platform bridge
 * reports the desktop app.
 */
export function installDesktopBridge(sections: Record<string, object> = {}): void {
  Object.assign(window, {
    moim: {
      isMoimApp: true,
      os: 'linux',
      host: {
        start: () => Promise.resolve({ ok: false, code: 'failed', message: 'not in this test' }),
        stop: () => bridgeOk(notRunning),
        status: () => bridgeOk(notRunning),
        onChanged: () => () => {}
      },
      recent: { list: () => bridgeOk([]), add: () => bridgeOk([]), remove: () => bridgeOk([]) },
      screen: { onPick: () => () => {}, choose: () => bridgeOk(null) },
      shell: { openExternal: () => bridgeOk(null) },
      invite: { pending: () => bridgeOk(null), onOpened: () => () => {} },
      ...sections
    }
  })
}

import { afterEach, describe, expect, it } from 'vitest'
import { Call } from '../../../src/renderer/src/core/call'
import { Emitter } from '../../../src/renderer/src/core/emitter'
import { LocalMedia } from '../../../src/renderer/src/core/local-media'
import { ok } from '../../../src/renderer/src/core/result'
import type { Result } from '../../../src/renderer/src/core/result'
import { SignalingClient } from '../../../src/renderer/src/core/signaling-client'
import type { SignalingClientEvents } from '../../../src/renderer/src/core/signaling-client'
import type { ServerConnectionState } from '../../../src/renderer/src/core/types'
import { setLogLevel } from '../../../src/shared/logger'
import type {
  ChatMessage,
  JoinRequest,
  JoinResult,
  Peer,
  PeerUpdate,
  RoomInfo,
  SignalRequest
} from '../../../src/shared/protocol'

// Tests assert on behaviour, not on log lines.
setLogLevel('silent')

const peer = (id: string, name: string): Peer => ({ id, name, audio: true, video: true, screen: false })
const ROOM: RoomInfo = { name: 'den', count: 2, capacity: 6, locked: false }

/**
 * A SignalingClient that talks to no server: the test plays the server, answering requests from `joinResult`
 * and pushing server events with `serverSends`. Everything the Call asks for is recorded.
 */
class ScriptedClient extends SignalingClient {
  readonly events = new Emitter<SignalingClientEvents>()
  readonly updates: PeerUpdate[] = []
  readonly signals: SignalRequest[] = []
  readonly chats: string[] = []
  joinResult: JoinResult = {
    self: peer('me', 'Ann'),
    peers: [peer('zed', 'Bo')],
    room: ROOM,
    history: [{ id: 'h1', from: 'zed', name: 'Bo', text: 'earlier', ts: 1 }]
  }
  private connected: ServerConnectionState = 'idle'

  override get state(): ServerConnectionState {
    return this.connected
  }

  override on<E extends keyof SignalingClientEvents>(
    event: E,
    listener: SignalingClientEvents[E]
  ): () => void {
    return this.events.on(event, listener)
  }

  serverSends<E extends keyof SignalingClientEvents>(
    event: E,
    ...args: Parameters<SignalingClientEvents[E]>
  ): void {
    if (event === 'state') this.connected = args[0] as ServerConnectionState
    this.events.emit(event, ...args)
  }

  override async connect(): Promise<Result<void>> {
    this.connected = 'connected'
    return ok()
  }

  override async listRooms(): Promise<Result<RoomInfo[]>> {
    return ok([ROOM])
  }

  override async join(_request: JoinRequest): Promise<Result<JoinResult>> {
    return ok(this.joinResult)
  }

  override async leave(): Promise<Result<void>> {
    return ok()
  }

  override async signal(request: SignalRequest): Promise<Result<void>> {
    this.signals.push(request)
    return ok()
  }

  override async sendChat(text: string): Promise<Result<ChatMessage>> {
    this.chats.push(text)
    return ok({ id: `m${this.chats.length}`, from: 'me', name: 'Ann', text, ts: 2 })
  }

  override async update(update: PeerUpdate): Promise<Result<Peer>> {
    this.updates.push(update)
    return ok({ ...this.joinResult.self, ...update })
  }

  override dispose(): void {
    this.events.clear()
  }
}

describe('Call', () => {
  let call: Call | undefined

  afterEach(() => call?.dispose())

  async function joined(): Promise<{ call: Call; client: ScriptedClient }> {
    const client = new ScriptedClient()
    call = new Call({
      signaling: client,
      media: new LocalMedia({ video: { width: { ideal: 160 }, height: { ideal: 120 } }, persist: false })
    })
    expect(await call.connect({ host: '127.0.0.1', port: 1, url: 'http://127.0.0.1:1' })).toEqual({
      ok: true,
      value: undefined
    })
    expect(call.state.rooms).toEqual([ROOM])
    expect(await call.join({ room: 'den', name: 'Ann' })).toEqual({ ok: true, value: undefined })
    return { call, client }
  }

  it('joins: participants, recent chat, a system line, our media state announced, and an offer to each peer', async () => {
    const { call, client } = await joined()
    expect(call.state.phase).toBe('in-call')
    expect(call.state.self?.id).toBe('me')
    expect(call.state.participants.map((p) => p.peer.name)).toEqual(['Bo'])
    expect(call.state.chat[0]).toMatchObject({ kind: 'message', self: false, message: { text: 'earlier' } })
    expect(call.state.chat.at(-1)).toMatchObject({ kind: 'system', text: 'You joined den.' })
    expect(client.updates).toEqual([{ audio: true, video: true, screen: false }])
    await expect
      .poll(() => client.signals.some((s) => s.to === 'zed' && s.description?.type === 'offer'))
      .toBe(true)
  })

  it('adds and removes participants with a system line each', async () => {
    const { call, client } = await joined()
    client.serverSends('peer:joined', peer('cy', 'Cy'))
    expect(call.state.participants.map((p) => p.peer.name)).toEqual(['Bo', 'Cy'])
    expect(call.state.chat.at(-1)).toMatchObject({ kind: 'system', text: 'Cy joined.' })
    client.serverSends('peer:updated', { ...peer('cy', 'Cy'), audio: false })
    expect(call.state.participants[1]?.peer.audio).toBe(false)
    client.serverSends('peer:left', { id: 'zed' })
    expect(call.state.participants.map((p) => p.peer.name)).toEqual(['Cy'])
    expect(call.state.chat.at(-1)).toMatchObject({ kind: 'system', text: 'Bo left.' })
    expect(call.connectionTo('zed')).toBeUndefined()
  })

  it('replaces the state object on every change, never mutating the old one', async () => {
    const { call, client } = await joined()
    const before = call.state
    const seen: unknown[] = []
    call.subscribe((state) => seen.push(state))
    client.serverSends('peer:joined', peer('cy', 'Cy'))
    expect(call.state).not.toBe(before)
    expect(before.participants).toHaveLength(1)
    expect(Object.isFrozen(call.state)).toBe(true)
    expect(seen.at(-1)).toBe(call.state)
  })

  it('sends chat, shows our own message, and refuses an empty one without asking the server', async () => {
    const { call, client } = await joined()
    expect(await call.sendChat('hi all')).toEqual({ ok: true, value: undefined })
    expect(call.state.chat.at(-1)).toMatchObject({ kind: 'message', self: true, message: { text: 'hi all' } })
    expect(await call.sendChat('   ')).toMatchObject({ ok: false, error: { code: 'invalid' } })
    expect(client.chats).toEqual(['hi all'])
    client.serverSends('chat:message', { id: 'x', from: 'zed', name: 'Bo', text: '<b>hey</b>', ts: 3 })
    expect(call.state.chat.at(-1)).toMatchObject({
      kind: 'message',
      self: false,
      message: { text: '<b>hey</b>' }
    })
  })

  it('announces a mute once, and not again when nothing changed', async () => {
    const { call, client } = await joined()
    await call.setMuted(true)
    await call.setMuted(true)
    expect(client.updates.slice(1)).toEqual([{ audio: false, video: true, screen: false }])
    expect(call.state.self?.audio).toBe(false)
    await call.setCameraOff(true)
    expect(client.updates.at(-1)).toEqual({ audio: false, video: false, screen: false })
  })

  it('ignores signals from someone not in the room', async () => {
    const { call, client } = await joined()
    client.serverSends('signal', { from: 'ghost', description: { type: 'offer', sdp: 'v=0' } })
    expect(call.connectionTo('ghost')).toBeUndefined()
  })

  it('ends the call when the host stops the room', async () => {
    const { call, client } = await joined()
    const pc = call.connectionTo('zed')
    client.serverSends('state', 'closed', { code: 'host-ended', message: 'The host ended the room.' })
    expect(call.state.phase).toBe('ended')
    expect(call.state.error?.code).toBe('host-ended')
    expect(call.state.participants).toEqual([])
    expect(pc?.connectionState).toBe('closed')
  })

  it('starts the mesh over with the new id after rejoining', async () => {
    const { call, client } = await joined()
    const old = call.connectionTo('zed')
    client.serverSends('state', 'reconnecting', null)
    client.serverSends('state', 'connected', null)
    client.serverSends('rejoined', ok({ ...client.joinResult, self: peer('me2', 'Ann'), history: [] }))
    expect(call.state.self?.id).toBe('me2')
    expect(old?.connectionState).toBe('closed')
    expect(call.connectionTo('zed')).not.toBe(old)
    expect(call.state.chat.map((e) => (e.kind === 'system' ? e.text : e.message.text))).toContain(
      'Reconnected to the room.'
    )
    // The chat from before the drop is kept.
    expect(call.state.chat[0]).toMatchObject({ kind: 'message', message: { text: 'earlier' } })
  })

  it('goes back to the lobby on leave, closing every connection', async () => {
    const { call } = await joined()
    const pc = call.connectionTo('zed')
    await call.leave()
    expect(call.state).toMatchObject({ phase: 'lobby', self: null, room: null, participants: [] })
    expect(pc?.connectionState).toBe('closed')
  })
})

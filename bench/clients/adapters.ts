/**
 * One client API over the three servers under test, so every benchmark drives them identically:
 * Moim (its protocol v1 over socket.io-client, websocket transport), the tutorial Socket.IO server
 * (same client library, the tutorial's event names) and the raw `ws` relay (JSON frames).
 */
import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import WebSocket from 'ws'
import type {
  Ack,
  ClientToServerEvents,
  JoinResult,
  ServerToClientEvents,
  SignalMessage
} from '../../src/shared/protocol'
import type { ServerKind } from '../servers/server-child'

export type SignalBody = {
  description?: { type: string; sdp?: string }
  candidate?: { candidate: string } | null
}
export type Relayed = SignalBody & { from: string }

/** What every benchmark client can do. Callbacks instead of promises: the generator must stay cheap per message. */
export interface BenchClient {
  readonly id: string
  /** Joins `room`; `done` gets the ids already there (or an error code). */
  join(room: string, name: string, done: (peers: string[] | string) => void): void
  /** Sends a `signal` to `to`, without an ack (as the app does): Moim reports refusals only, to `onRefused`. */
  signal(to: string, body: SignalBody): void
  /**
   * Moim at a revision whose `signal` still needed an ack (before refusals came as `signal:refused`): sends each
   * with one, as that revision's client did, and reports a refusal from it.
   */
  ackSignals: boolean
  onSignal: (message: Relayed) => void
  /** Moim only: a `signal` was refused (`signal:refused`), with the error code. */
  onRefused: (code: string) => void
  onPeerJoined: (id: string) => void
  close(): void
}

const noop = (): void => undefined

class SocketIoClient implements BenchClient {
  ackSignals = false
  onSignal: (message: Relayed) => void = noop
  onPeerJoined: (id: string) => void = noop
  onRefused: (code: string) => void = noop

  constructor(
    private readonly socket: Socket,
    private readonly moim: boolean
  ) {
    if (moim) {
      const typed = socket as Socket<ServerToClientEvents, ClientToServerEvents>
      typed.on('signal', (message: SignalMessage) => this.onSignal(message as Relayed))
      typed.on('peer:joined', (peer) => this.onPeerJoined(peer.id))
      typed.on('signal:refused', ({ error }) => this.onRefused(error.code))
    } else {
      socket.on('signal', (message: Relayed) => this.onSignal(message))
      socket.on('user-joined', (id: string) => this.onPeerJoined(id))
    }
  }

  get id(): string {
    return this.socket.id ?? ''
  }

  join(room: string, name: string, done: (peers: string[] | string) => void): void {
    if (this.moim) {
      this.socket.emit('room:join', { room, name }, (reply: Ack<JoinResult>) =>
        done(reply.ok ? reply.peers.map((peer) => peer.id) : reply.error.code)
      )
    } else {
      this.socket.once('all-users', (ids: string[]) => done(ids))
      this.socket.emit('join-room', room)
    }
  }

  signal(to: string, body: SignalBody): void {
    if (this.ackSignals) this.socket.emit('signal', { to, ...body }, this.onSignalAck)
    else this.socket.emit('signal', { to, ...body })
  }

  /** One function for every ack, not a closure per message: the generator must stay cheap. */
  private readonly onSignalAck = (reply: Ack): void => {
    if (!reply.ok) this.onRefused(reply.error.code)
  }

  close(): void {
    this.socket.disconnect()
  }
}

class WsClient implements BenchClient {
  readonly ackSignals = false
  onSignal: (message: Relayed) => void = noop
  onPeerJoined: (id: string) => void = noop
  onRefused: (code: string) => void = noop
  private joinDone: ((peers: string[]) => void) | undefined

  constructor(
    private readonly ws: WebSocket,
    readonly id: string
  ) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; id?: string; peers?: string[] } & Relayed
      if (message.type === 'signal') this.onSignal(message)
      else if (message.type === 'joined') this.onPeerJoined(message.id!)
      else if (message.type === 'peers') this.joinDone?.(message.peers!)
    })
  }

  join(room: string, _name: string, done: (peers: string[] | string) => void): void {
    this.joinDone = done
    this.ws.send(JSON.stringify({ type: 'join', room }))
  }

  signal(to: string, body: SignalBody): void {
    this.ws.send(JSON.stringify({ type: 'signal', to, ...body }))
  }

  close(): void {
    this.ws.terminate()
  }
}

/** Connects one client of `kind` to `127.0.0.1:port`; rejects after `timeoutMs`. */
export function connectClient(kind: ServerKind, port: number, timeoutMs = 15_000): Promise<BenchClient> {
  return new Promise<BenchClient>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`${kind} client: no connection within ${timeoutMs} ms`))
    }, timeoutMs)
    let cleanup: () => void = noop
    if (kind === 'ws') {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false })
      cleanup = () => ws.terminate()
      ws.once('message', (data) => {
        clearTimeout(timer)
        const hello = JSON.parse(String(data)) as { type: string; id: string }
        resolve(new WsClient(ws, hello.id))
      })
      ws.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
      return
    }
    // App clients use the websocket transport only: no long-polling upgrade dance.
    const socket = io(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true
    })
    cleanup = () => socket.disconnect()
    socket.once('connect', () => {
      clearTimeout(timer)
      resolve(new SocketIoClient(socket, kind === 'moim'))
    })
    socket.once('connect_error', (error) => {
      clearTimeout(timer)
      socket.disconnect()
      reject(error)
    })
  })
}

/** Connects `count` clients, at most `concurrency` handshakes at a time (a real crowd does not arrive in 1 ms). */
export async function connectMany(
  kind: ServerKind,
  port: number,
  count: number,
  concurrency = 64
): Promise<BenchClient[]> {
  const clients: BenchClient[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++
      clients.push(await connectClient(kind, port))
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  } catch (error) {
    for (const client of clients) client.close()
    throw error
  }
  return clients
}

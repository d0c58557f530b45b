/**
 * The seam between the call and the whiteboard: what a BoardModel (loaded only when the board opens) needs from
 * the connection. The SignalingClient is one (Call.board hands it out); tests make one over any socket. Types
 * only, so the board's code stays out of the startup bundle.
 */
import type { BoardSyncResult, BoardUpdateRequest, ClientToServerEvents } from '../../../shared/protocol'
import type { Result } from './result'
import type { SignalingClientEvents } from './signaling-client'

/** The events a board listens to: others' changes, drafts and cursors, and the connection's ups and downs. */
export type BoardChannelEvent = 'board:update' | 'board:draft' | 'board:cursor' | 'state' | 'rejoined'

export interface BoardChannel {
  /** One part of the board (see BoardSyncRequest). */
  boardSync(part: number): Promise<Result<BoardSyncResult>>
  /** Sends a committed change; answered `board-full`, `invalid`... when refused. */
  boardUpdate(request: BoardUpdateRequest): Promise<Result<void>>
  /** Transient messages (the points of a stroke being drawn, our pointer), not awaited. */
  boardSend<E extends 'board:draft' | 'board:cursor'>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0]
  ): void
  on<E extends BoardChannelEvent>(event: E, listener: SignalingClientEvents[E]): () => void
}

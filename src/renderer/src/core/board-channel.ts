/**
 * The seam between the call and the whiteboard: what a BoardModel (loaded only when the board opens) needs from
 * the connection. The Call gives one out; tests can give one over any socket. Types only, plus nothing that
 * pulls the board's code into the startup bundle.
 */
import type {
  BoardCursor,
  BoardDraft,
  BoardSyncResult,
  BoardUpdateRequest,
  ServerToClientEvents
} from '../../../shared/protocol'
import type { Result } from './result'

export interface BoardChannelEvents {
  'board:update': ServerToClientEvents['board:update']
  'board:draft': ServerToClientEvents['board:draft']
  'board:cursor': ServerToClientEvents['board:cursor']
  /** The connection came back and we are in our room again: fetch the board anew. */
  rejoined: () => void
  /** The connection dropped; changes cannot be sent until `rejoined`. */
  offline: () => void
}

export interface BoardChannel {
  /** One part of the board (see BoardSyncRequest). */
  sync(part: number): Promise<Result<BoardSyncResult>>
  /** Sends a committed change; answered `board-full`, `invalid`... when refused. */
  update(request: BoardUpdateRequest): Promise<Result<void>>
  /** Transient: the points of a stroke being drawn (the answer is not awaited). */
  draft(draft: BoardDraft): void
  /** Transient: our pointer on the board. */
  cursor(cursor: BoardCursor): void
  on<E extends keyof BoardChannelEvents>(event: E, listener: BoardChannelEvents[E]): () => void
}

/**
 * The shape of the server's route table, derived from the protocol's event map (`ClientToServerEvents`): each
 * client->server event has exactly one route, whose payload and answer types are that event's, so a handler that
 * answers the wrong shape (a `rooms:list` without `rooms`, a `room:join` without `history`) does not compile.
 */
import type * as v from 'valibot'
import { ERROR_MESSAGES } from '../shared/protocol'
import type { CLIENT_EVENTS } from '../shared/protocol'
import type { Ack, ClientToServerEvents, ErrorCode } from '../shared/protocol'
import { validate } from '../shared/schemas'
import type { InputProblem } from '../shared/schemas'

/** A client->server event name. */
export type ClientEvent = keyof ClientToServerEvents

/** The payload of event `E`, or `undefined` for an event that takes none (`room:leave`, `rooms:list`). */
export type RequestOf<E extends ClientEvent> =
  Parameters<ClientToServerEvents[E]> extends [infer First, ...unknown[]]
    ? First extends AckCallback
      ? undefined
      : First
    : undefined

/** Every ack callback's shape; `signal`'s is optional, so it is found among the parameters rather than last. */
type AckCallback = (answer: never) => void

/** What the ack callback of event `E` is called with: its success shape or a refusal. */
export type AnswerOf<E extends ClientEvent> =
  Extract<Parameters<ClientToServerEvents[E]>[number], AckCallback> extends (answer: infer A) => void
    ? A
    : never

/** A refusal, which is a valid answer to every event. */
export type Refusal = Extract<Ack, { ok: false }>

/** The validation schema of event `E`: null exactly when the event takes no payload. */
export type SchemaOf<E extends ClientEvent> = [RequestOf<E>] extends [undefined]
  ? null
  : v.GenericSchema<unknown, RequestOf<E>>

/**
 * How one event is handled. `Context` is the per-connection state the server passes in; `Bucket` names the
 * rate-limit bucket the event draws from. A handler answers at once (`signal`, the hot path, allocates no promise)
 * or after a room store round trip.
 */
export interface Route<E extends ClientEvent, Context, Bucket extends string> {
  bucket: Bucket
  schema: SchemaOf<E>
  handle(context: Context, request: RequestOf<E>): AnswerOf<E> | Promise<AnswerOf<E>>
}

/** One route per client->server event, no more and no fewer. */
export type RouteTable<Context, Bucket extends string> = {
  readonly [E in ClientEvent]: Route<E, Context, Bucket>
}

// The server registers one listener per CLIENT_EVENTS entry: an event of the map missing there would have a
// route but never be heard.
const everyEventListed: [Exclude<ClientEvent, (typeof CLIENT_EVENTS)[number]>] extends [never]
  ? true
  : false = true
void everyEventListed

/**
 * The request of event `E` from the arguments Socket.IO received, the ack callback last if any (not copied off:
 * this runs for every relayed signal; `payloads` says how many arguments precede it): exactly one payload that
 * passes the route's schema, or none for an event without a schema; otherwise an `invalid` refusal.
 */
export function parseRequest<E extends ClientEvent>(
  event: E,
  schema: SchemaOf<E>,
  args: readonly unknown[],
  payloads = args.length - 1
): { ok: true; value: RequestOf<E> } | Refusal {
  // SchemaOf<E> is a conditional type TypeScript cannot narrow for a generic E; widen it once, here.
  const checked = schema as v.GenericSchema<unknown, RequestOf<E>> | null
  if (checked === null) {
    if (payloads !== 0) return fail('invalid', `${event} takes no payload`)
    // An event without a schema is one whose RequestOf is undefined.
    return { ok: true, value: undefined as RequestOf<E> }
  }
  if (payloads !== 1) return fail('invalid', `${event} takes one payload object`)
  const result = validate(checked, args[0])
  // validate's own success object, not a copy: this runs for every relayed signal.
  return result.ok ? result : fail('invalid', result.message, result.problem)
}

/** A refusal; `problem` says which typed field broke which rule, so clients can word it themselves. */
export function fail(
  code: ErrorCode,
  message: string = ERROR_MESSAGES[code],
  problem?: InputProblem
): Refusal {
  return { ok: false, error: { code, message, ...problem } }
}

/** `rate-limited`, with how long to wait before the same request can succeed. */
export function rateLimited(retryAfterMs: number): Refusal {
  // At least 1 ms: the bucket may have refilled a token between the refusal and this question.
  const wait = Math.max(1, retryAfterMs)
  return {
    ok: false,
    error: { code: 'rate-limited', message: ERROR_MESSAGES['rate-limited'], retryAfterMs: wait }
  }
}

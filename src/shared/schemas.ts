/**
 * Validation schemas for every client->server payload of protocol v1 (see protocol.ts for the types and
 * docs/PROTOCOL.md for the prose). Strict objects: a missing, extra or mistyped field makes the whole payload
 * invalid. Strings are measured after trimming where the field is a name.
 */
import * as v from 'valibot'
import { LIMITS } from './protocol'
import type {
  ChatSendRequest,
  IceCandidate,
  JoinRequest,
  PeerUpdate,
  SessionDescription,
  SignalRequest
} from './protocol'

/** No control or format characters (newlines, bidi overrides, zero-width joiners) in names. */
const PRINTABLE = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u

/** Letters, digits, space, dot, dash and underscore; starting and ending with a letter or digit. */
export const ROOM_NAME_PATTERN = /^[\p{L}\p{N}](?:[\p{L}\p{N} ._-]*[\p{L}\p{N}])?$/u

export const roomNameSchema = v.pipe(
  v.string('room must be a string'),
  v.trim(),
  v.minLength(1, 'room must not be empty'),
  v.maxLength(LIMITS.room, `room must be at most ${LIMITS.room} characters`),
  v.regex(ROOM_NAME_PATTERN, 'room may contain letters, digits, spaces, ".", "-" and "_"')
)

export const displayNameSchema = v.pipe(
  v.string('name must be a string'),
  v.trim(),
  v.minLength(1, 'name must not be empty'),
  v.maxLength(LIMITS.name, `name must be at most ${LIMITS.name} characters`),
  v.regex(PRINTABLE, 'name must not contain control characters')
)

const passwordSchema = v.pipe(
  v.string('password must be a string'),
  v.minLength(1, 'password must not be empty'),
  v.maxLength(LIMITS.password, `password must be at most ${LIMITS.password} characters`)
)

export const joinRequestSchema = v.strictObject({
  room: roomNameSchema,
  name: displayNameSchema,
  password: v.optional(passwordSchema)
})

const sessionDescriptionSchema = v.strictObject({
  type: v.picklist(['offer', 'answer', 'pranswer', 'rollback'], 'description.type is not an SDP type'),
  sdp: v.optional(v.pipe(v.string(), v.maxLength(LIMITS.sdp, `sdp must be at most ${LIMITS.sdp} characters`)))
})

const iceCandidateSchema = v.strictObject({
  candidate: v.pipe(
    v.string(),
    v.maxLength(LIMITS.candidate, `candidate must be at most ${LIMITS.candidate} characters`)
  ),
  sdpMid: v.nullish(v.pipe(v.string(), v.maxLength(LIMITS.sdpMid))),
  sdpMLineIndex: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_023))),
  usernameFragment: v.nullish(v.pipe(v.string(), v.maxLength(LIMITS.usernameFragment)))
})

export const signalRequestSchema = v.pipe(
  v.strictObject({
    to: v.pipe(v.string('to must be a string'), v.minLength(1), v.maxLength(LIMITS.peerId)),
    description: v.optional(sessionDescriptionSchema),
    candidate: v.optional(v.nullable(iceCandidateSchema))
  }),
  v.check(
    (signal) => signal.description !== undefined || signal.candidate !== undefined,
    'signal needs a description or a candidate'
  )
)

export const chatSendRequestSchema = v.strictObject({
  text: v.pipe(
    v.string('text must be a string'),
    v.maxLength(LIMITS.chatText, `text must be at most ${LIMITS.chatText} characters`),
    v.check((text) => text.trim().length > 0, 'text must not be blank')
  )
})

export const peerUpdateSchema = v.pipe(
  v.strictObject({
    name: v.optional(displayNameSchema),
    audio: v.optional(v.boolean()),
    video: v.optional(v.boolean()),
    screen: v.optional(v.boolean())
  }),
  v.check((update) => Object.keys(update).length > 0, 'peer:update needs at least one field')
)

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; message: string }

/** Validates `input` against `schema`, returning the parsed value or the first issue as one readable line. */
export function validate<T>(schema: v.GenericSchema<unknown, T>, input: unknown): ValidationResult<T> {
  const result = v.safeParse(schema, input)
  if (result.success) return { ok: true, value: result.output }
  const issue = result.issues[0]
  const path = issue.path?.map((item) => String(item.key)).join('.')
  return { ok: false, message: path ? `${path}: ${issue.message}` : issue.message }
}

// Compile-time proof that the schemas produce exactly the protocol's request types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const schemasMatchProtocol: [
  Same<v.InferOutput<typeof joinRequestSchema>, JoinRequest>,
  Same<v.InferOutput<typeof signalRequestSchema>, SignalRequest>,
  Same<v.InferOutput<typeof chatSendRequestSchema>, ChatSendRequest>,
  Same<v.InferOutput<typeof peerUpdateSchema>, PeerUpdate>,
  Same<v.InferOutput<typeof sessionDescriptionSchema>, SessionDescription>,
  Same<v.InferOutput<typeof iceCandidateSchema>, IceCandidate>
] = [true, true, true, true, true, true]
void schemasMatchProtocol

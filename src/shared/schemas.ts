/**
 * Validation schemas for every client->server payload of protocol v1 (see protocol.ts for the types and
 * docs/PROTOCOL.md for the prose). Strict objects: a missing, extra or mistyped field makes the whole payload
 * invalid. The fields people type follow the shared rules of input-rules.ts, and a value is stored as those rules
 * normalise it (names trimmed and NFC).
 */
import * as v from 'valibot'
import { LIMITS, REACTIONS } from './protocol'
import type {
  ChatSendRequest,
  HandRequest,
  IceCandidate,
  InvalidField,
  InvalidReason,
  JoinRequest,
  PeerUpdate,
  ResumeRequest,
  ReactionRequest,
  SessionDescription,
  SignalRequest
} from './protocol'
import { checkChatText, checkDisplayName, checkPassword, checkRoomName } from './input-rules'
import type { RuleResult } from './input-rules'

/** English for each refusal of a typed field, as `validate` reports it (UIs word it from field and reason). */
const RULE_MESSAGES: Record<InvalidField, Partial<Record<InvalidReason, string>>> = {
  room: {
    empty: 'room must not be empty',
    'too-long': `room must be at most ${LIMITS.room} characters`,
    'invisible-characters': 'room must not contain invisible characters',
    'no-visible-character': 'room must contain a visible letter or digit',
    'not-allowed-characters': 'room may contain letters, digits, spaces, ".", "-" and "_"'
  },
  name: {
    empty: 'name must not be empty',
    'too-long': `name must be at most ${LIMITS.name} characters`,
    'invisible-characters': 'name must not contain invisible characters',
    'no-visible-character': 'name must contain a visible character',
    'not-allowed-characters': 'name must not contain control, private-use or unassigned characters'
  },
  password: {
    empty: 'password must not be empty',
    'too-long': `password must be at most ${LIMITS.password} characters`
  },
  text: {
    empty: 'text must not be blank',
    'too-long': `text must be at most ${LIMITS.chatText} characters`
  }
}

/**
 * A pipe step applying one shared input rule, whose output is the normalised value. A refusal's reason travels
 * in the issue's `expected` (valibot has no slot for a machine-readable cause); `validate` reads it back.
 */
function rule(field: InvalidField, check: (input: string) => RuleResult) {
  return v.rawTransform<string, string>(({ dataset, addIssue, NEVER }) => {
    const result = check(dataset.value)
    if (result.ok) return result.value
    addIssue({
      message: RULE_MESSAGES[field][result.reason] ?? `${field} is not valid`,
      expected: result.reason
    })
    return NEVER
  })
}

export const roomNameSchema = v.pipe(v.string('room must be a string'), rule('room', checkRoomName))

export const displayNameSchema = v.pipe(v.string('name must be a string'), rule('name', checkDisplayName))

const passwordSchema = v.pipe(v.string('password must be a string'), rule('password', checkPassword))

export const joinRequestSchema = v.strictObject({
  room: roomNameSchema,
  name: displayNameSchema,
  password: v.optional(passwordSchema)
})

export const resumeRequestSchema = v.strictObject({
  token: v.pipe(
    v.string('token must be a string'),
    v.length(LIMITS.resumeToken, `token must be ${LIMITS.resumeToken} characters`),
    v.regex(/^[A-Za-z0-9_-]+$/, 'token must be base64url')
  ),
  lastMessageId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.messageId)))
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
  text: v.pipe(v.string('text must be a string'), rule('text', checkChatText))
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

export const handRequestSchema = v.strictObject({ raised: v.boolean('raised must be a boolean') })

export const reactionRequestSchema = v.strictObject({
  emoji: v.picklist(REACTIONS, `emoji must be one of ${REACTIONS.join(' ')}`)
})

/** Which typed field of a payload broke which of its rules. */
export interface InputProblem {
  field: InvalidField
  reason: InvalidReason
}

export type ValidationResult<T> =
  { ok: true; value: T } | { ok: false; message: string; problem?: InputProblem }

const INVALID_FIELDS: readonly unknown[] = ['room', 'name', 'password', 'text'] satisfies InvalidField[]

/**
 * Validates `input` against `schema`, returning the parsed value or the first issue as one readable line, plus
 * the `problem` when the issue is a typed field (an object's `room`, `name`, `password` or `text`) breaking a rule.
 */
export function validate<T>(schema: v.GenericSchema<unknown, T>, input: unknown): ValidationResult<T> {
  const result = v.safeParse(schema, input)
  if (result.success) return { ok: true, value: result.output }
  const issue = result.issues[0]
  const path = issue.path?.map((item) => String(item.key)).join('.')
  const message = path ? `${path}: ${issue.message}` : issue.message
  const key = issue.path?.at(-1)?.key
  if (issue.type !== 'raw_transform' || !INVALID_FIELDS.includes(key)) return { ok: false, message }
  return {
    ok: false,
    message,
    problem: { field: key as InvalidField, reason: issue.expected as InvalidReason }
  }
}

// Compile-time proof that the schemas produce exactly the protocol's request types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const schemasMatchProtocol: [
  Same<v.InferOutput<typeof joinRequestSchema>, JoinRequest>,
  Same<v.InferOutput<typeof resumeRequestSchema>, ResumeRequest>,
  Same<v.InferOutput<typeof signalRequestSchema>, SignalRequest>,
  Same<v.InferOutput<typeof chatSendRequestSchema>, ChatSendRequest>,
  Same<v.InferOutput<typeof peerUpdateSchema>, PeerUpdate>,
  Same<v.InferOutput<typeof handRequestSchema>, HandRequest>,
  Same<v.InferOutput<typeof reactionRequestSchema>, ReactionRequest>,
  Same<v.InferOutput<typeof sessionDescriptionSchema>, SessionDescription>,
  Same<v.InferOutput<typeof iceCandidateSchema>, IceCandidate>
] = [true, true, true, true, true, true, true, true, true]
void schemasMatchProtocol

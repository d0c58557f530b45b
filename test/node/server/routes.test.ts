/**
 * The route table's types come from the protocol's event map: the `@ts-expect-error` lines below are checked by
 * `npm run typecheck`, which fails if one of them stops being an error (a wrong answer shape that compiles).
 */
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { chatSendRequestSchema } from '../../../src/shared/schemas'
import { fail, parseRequest } from '../../../src/server/routes'
import type { Route, RouteTable } from '../../../src/server/routes'

type Bucket = 'control' | 'chat'

describe('route types', () => {
  it('reject a handler that answers the wrong shape, and accept the right one', () => {
    const right: Route<'rooms:list', null, Bucket> = {
      bucket: 'control',
      schema: null,
      handle: () => ({ ok: true, rooms: [], total: 0 })
    }
    const wrongAnswer: Route<'rooms:list', null, Bucket> = {
      bucket: 'control',
      schema: null,
      // @ts-expect-error `rooms:list` answers { rooms, total }, not { room }
      handle: () => ({ ok: true, room: [] })
    }
    const wrongSchema: Route<'chat:send', null, Bucket> = {
      bucket: 'chat',
      // @ts-expect-error `chat:send` takes a payload, so it needs its schema
      schema: null,
      handle: (_context, { text }) => ({
        ok: true,
        message: { id: 'm', from: 'p', name: 'Ann', text, ts: 0 }
      })
    }
    const refusing: Route<'chat:send', null, Bucket> = {
      bucket: 'chat',
      schema: chatSendRequestSchema,
      handle: () => fail('not-in-room')
    }
    // @ts-expect-error a table must have a route for every client->server event
    const incomplete: RouteTable<null, Bucket> = { 'rooms:list': right }
    expect([right, wrongAnswer, wrongSchema, refusing, incomplete]).toHaveLength(5)
    expect(refusing.handle(null, { text: 'hi' })).toMatchObject({ ok: false, error: { code: 'not-in-room' } })
  })
})

describe('parseRequest', () => {
  const schema = v.strictObject({ text: v.string() })
  const ack = (): void => undefined

  it('takes exactly one payload that passes the schema', () => {
    expect(parseRequest('chat:send', schema, [{ text: 'hi' }, ack])).toEqual({
      ok: true,
      value: { text: 'hi' }
    })
    expect(parseRequest('chat:send', schema, [ack])).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'chat:send takes one payload object' }
    })
    expect(parseRequest('chat:send', schema, [{ text: 'hi' }, 1, ack])).toMatchObject({
      ok: false,
      error: { code: 'invalid' }
    })
    expect(parseRequest('chat:send', schema, [{ text: 1 }, ack])).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: expect.stringMatching(/^text: /) }
    })
  })

  it('takes no payload for an event without a schema', () => {
    expect(parseRequest('rooms:list', null, [ack])).toEqual({ ok: true, value: undefined })
    expect(parseRequest('rooms:list', null, [{}, ack])).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'rooms:list takes no payload' }
    })
  })
})

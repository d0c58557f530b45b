/**
 * The routes for what people do in a call besides talking: raising a hand (`hand:set`, state kept on the peer in the
 * RoomStore, so every store and every node of a cluster carries it and late joiners see it in `peers`) and sending
 * a reaction (`reaction:send`, relayed and forgotten). Each has its own rate-limit bucket, so a stream of emoji never
 * costs a person their chat or their joins.
 */
import type { Socket } from 'socket.io'
import type { ClientToServerEvents, ServerToClientEvents } from '../shared/protocol'
import { handRequestSchema, reactionRequestSchema } from '../shared/schemas'
import type { MembershipEvents } from './membership-events'
import type { RoomStore } from './room-store'
import { fail } from './routes'
import type { Route } from './routes'

/**
 * What these routes read of a connection: its socket, the peer it speaks for (not the socket id once it resumed)
 * and the room its store answers put it in.
 */
export interface PeopleContext {
  socket: Socket<ClientToServerEvents, ServerToClientEvents>
  peerId: string | undefined
  room: string | undefined
}

export interface PeopleRouteDeps {
  store: RoomStore
  events: Pick<MembershipEvents, 'emit'>
  /** The Socket.IO room that delivers to a Moim room. */
  roomKey: (room: string) => string
}

export interface PeopleRoutes {
  'hand:set': Route<'hand:set', PeopleContext, 'hand'>
  'reaction:send': Route<'reaction:send', PeopleContext, 'reaction'>
}

export function peopleRoutes({ store, events, roomKey }: PeopleRouteDeps): PeopleRoutes {
  return {
    'hand:set': {
      bucket: 'hand',
      schema: handRequestSchema,
      async handle({ socket, peerId, room }, { raised }) {
        if (room === undefined || peerId === undefined) return fail('not-in-room')
        const updated = await store.updatePeer(peerId, { hand: raised })
        if (updated === undefined) return fail('not-in-room')
        // The whole Peer, as for peer:update: clients need no second event to learn who raised a hand.
        socket.to(roomKey(updated.room)).emit('peer:updated', updated.peer)
        events.emit('peer-updated', updated)
        return { ok: true, self: updated.peer }
      }
    },
    'reaction:send': {
      bucket: 'reaction',
      schema: reactionRequestSchema,
      // Nothing to keep: the connection's room cache (written from the store's answers) names the room, as for
      // `signal`, so a reaction costs no store round trip.
      handle({ socket, peerId, room }, { emoji }) {
        if (room === undefined || peerId === undefined) return fail('not-in-room')
        socket.to(roomKey(room)).emit('reaction', { from: peerId, emoji })
        return { ok: true }
      }
    }
  }
}

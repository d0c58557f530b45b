/**
 * Words about people in a call that several components say: a raised hand's place, a connection's quality. Apart
 * from the components, so the video tile (in the lobby's startup bundle) can say them without loading the overlays.
 */
import { msg, str } from '@lit/localize'
import type { ConnectionQuality } from '../core/types'

/** "Connection: weak", for the tile's indicator and the people list. */
export function qualityText(quality: ConnectionQuality): string {
  switch (quality) {
    case 'good':
      return msg('Connection: good')
    case 'weak':
      return msg('Connection: weak')
    case 'bad':
      return msg('Connection: bad')
  }
}

/** "Hand raised" with the place in the queue when others are up too. */
export function handText(place: number): string {
  return place === 1 ? msg('Hand raised, first') : msg(str`Hand raised, number ${place}`)
}

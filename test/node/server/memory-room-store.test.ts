import { MemoryRoomStore } from '../../../src/server/memory-room-store'
import { describeRoomStore } from './room-store.contract'

describeRoomStore('memory', (options) => new MemoryRoomStore(options))

/**
 * The V8 flags of a process that serves many clients: `npm run host` passes them to Node, and the benchmarks run
 * every Moim server with them, so they measure what is shipped.
 *
 * `--no-allocation-site-pretenuring`: `ws` (under engine.io) starts each received message with a fresh
 * `this._fragments = []`. Once a hundred connections have each sent a message and gone quiet (a join storm, a
 * room of idle people answering heartbeats), nearly every array made at that line outlives a young-generation
 * collection, so V8 decides, for good, to allocate all later ones straight in the old generation. From then on
 * each received message is pinned by an old-generation array until the next full collection: relaying 4,000
 * SDPs/s, a server then runs several full Mark-Compacts a second instead of none, and its p95 latency doubles
 * (bench/README.md, "One server against the tutorial's"). With the flag, short-lived objects stay young.
 *
 * The desktop app runs with V8's defaults: its host is for one call of a few people on a LAN, far from the hundred
 * quiet connections it takes for V8 to make that decision. A server for many calls is `npm run host`.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--no-allocation-site-pretenuring']

/**
 * A lobby's discovery, run inside a test's network namespace: the real LanDiscovery with its defaults (multicast
 * DNS, the machine's interfaces, a check every 3 s), printing `{ "at": ms, "servers": LanServer[] }` on every
 * change, one JSON line each. Stops on SIGTERM.
 */
import { LanDiscovery } from '../../../src/main/lan-discovery'
import { setLogLevel } from '../../../src/shared/logger'

setLogLevel(process.env.MOIM_LOG_LEVEL === 'debug' ? 'debug' : 'warn')
const discovery = new LanDiscovery()
discovery.onChange((servers) => console.log(JSON.stringify({ at: Date.now(), servers })))
discovery.start()
console.log(JSON.stringify({ at: Date.now(), ready: true }))
// The discovery's timer does not hold the process: this does, until the test ends it.
const alive = setInterval(() => undefined, 60_000)
process.on('SIGTERM', () => {
  clearInterval(alive)
  void discovery.stop().then(() => process.exit(0))
})

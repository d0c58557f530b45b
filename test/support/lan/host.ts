/**
 * A host's desktop app, run inside a test's network namespace: the real HostingService with the real
 * LanAdvertiser, hosting a locked room on every interface. Prints `{ "at": ms, "port": P }` once hosting; on
 * SIGTERM stops hosting as the app's Stop button does.
 */
import { HostingService } from '../../../src/main/hosting'
import { LanAdvertiser } from '../../../src/main/lan-advertiser'
import { setLogLevel } from '../../../src/shared/logger'

setLogLevel(process.env.MOIM_LOG_LEVEL === 'debug' ? 'debug' : 'warn')
const hosting = new HostingService({ port: 0, advertiser: new LanAdvertiser() })
const result = await hosting.start({ name: '민수', room: '회의', password: 'secret' })
if (!result.ok || !result.value.running) {
  console.error(JSON.stringify(result))
  process.exit(1)
}
console.log(JSON.stringify({ at: Date.now(), port: result.value.port }))
process.on('SIGTERM', () => {
  void hosting.stop('host-stopped').then(() => process.exit(0))
})

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { LAN_SERVICE_TYPE } from '../../../src/main/lan-discovery'

/** electron-builder's own loader and schema validation (what `npm run dist` runs first), with no download. */
const require = createRequire(import.meta.url)
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: object | null): Promise<BuilderConfig>
  validateConfiguration(config: object, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>
}

interface BuilderConfig {
  appId: string
  icon: string
  files: (string | { filter: string[] })[]
  protocols: { name: string; schemes: string[] }[]
  electronFuses: Record<string, boolean>
  linux: { target: string[] }
  win: { target: string[] }
  mac: { target: string[]; extendInfo: Record<string, string | string[]>; entitlements: string }
}

const projectDir = new URL('../../..', import.meta.url).pathname
const quietLogger = { isEnabled: false, add: () => {} }

// Loading electron-builder's modules and schema takes seconds on a busy machine.
describe('electron-builder.yml', { timeout: 30_000 }, () => {
  it('passes electron-builder’s schema validation', async () => {
    const config = await getConfig(projectDir, null, null)
    await expect(validateConfiguration(config, quietLogger)).resolves.toBeUndefined()
  })

  it('would be rejected if it had a misspelt option (the validation is real)', async () => {
    const config = await getConfig(projectDir, null, null)
    await expect(
      validateConfiguration({ ...config, electronFuse: { runAsNode: false } }, quietLogger)
    ).rejects.toThrow(/electronFuse/)
  })

  it('builds AppImage, deb, NSIS and dmg, registers moim://, sets the fuses, the macOS usage texts and Bonjour service', async () => {
    const config = await getConfig(projectDir, null, null)
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/)
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.win.target).toEqual(['nsis'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.protocols).toEqual([{ name: 'Moim invite', schemes: ['moim'] }])
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false
    })
    expect(config.mac.extendInfo.NSCameraUsageDescription).toMatch(/camera/)
    expect(config.mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/voice|microphone/)
    // Without both, macOS 15+ silently blocks the LAN: discovery, advertising and join by IP.
    expect(config.mac.extendInfo.NSLocalNetworkUsageDescription).toMatch(/local network/)
    expect(config.mac.extendInfo.NSBonjourServices).toEqual([`_${LAN_SERVICE_TYPE}._tcp`])
    expect(readFileSync(`${projectDir}/${config.mac.entitlements}`, 'utf8')).toContain(
      'com.apple.security.device.camera'
    )
    const patterns = config.files.flatMap((entry) => (typeof entry === 'string' ? [entry] : entry.filter))
    for (const excluded of ['!src/**', '!test/**']) expect(patterns).toContain(excluded)
  })

  it('has a 512x512 PNG icon', () => {
    const png = readFileSync(`${projectDir}/build/icon.png`)
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512])
  })
})

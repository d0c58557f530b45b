import { configDefaults, defineConfig } from 'vitest/config'
import { playwright } from '@vitest/browser-playwright'
import { lanCommands } from './test/support/lan-commands'
import { moimServerCommands } from './test/support/moim-server-commands'

/** Debian's Chromium (never a downloaded browser) with fake camera/microphone devices. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream=device-count=3',
  '--use-fake-ui-for-media-stream',
  // WebRTC between pages on this machine: gather 127.0.0.1/::1 candidates and use plain host candidates rather
  // than mDNS names (whose resolution would send multicast queries out of the machine).
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  // Chromium looks up Google hosts in the background despite --disable-background-networking: resolve nothing but
  // this machine, so every byte stays on it.
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1'
]

/** Browser tests that run in a Chromium whose language is Korean (`ko-KR`). */
const KO_KR_TESTS = 'test/browser/**/*.ko-KR.test.ts'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/node/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/support/quiet-logs.ts']
        }
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }
            }),
            instances: [
              {
                browser: 'chromium',
                exclude: [...configDefaults.exclude, KO_KR_TESTS]
              },
              {
                // The Korean UI as Korean users get it: a browser whose language is Korean (navigator.languages,
                // Accept-Language and Intl's default all say ko-KR), with nothing remembered.
                browser: 'chromium',
                name: 'chromium ko-KR',
                include: [KO_KR_TESTS],
                provider: playwright({
                  launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--lang=ko-KR'] },
                  contextOptions: { locale: 'ko-KR' }
                })
              }
            ],
            // Real signaling servers for the call-core tests (test/browser/core/server.ts), and the main
            // process's LAN discovery for the lobby's "On your network" (test/browser/components/lan.ts).
            commands: { ...moimServerCommands, ...lanCommands }
          }
        }
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/support/quiet-logs.ts'],
          // Each file drives several Chromium pages; running files one at a time keeps two cores usable.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000
        }
      }
    ]
  }
})

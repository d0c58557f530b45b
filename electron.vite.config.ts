import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'

/**
 * Collapses whitespace and comments inside Lit `css\`...\`` templates of the renderer: the minifier leaves
 * template text alone, and the web client has a size budget. Templates with `${...}` are left as they are.
 */
function minifyLitCss(): Plugin {
  return {
    name: 'moim-minify-lit-css',
    apply: 'build',
    transform(code, id) {
      if (!id.includes('/src/renderer/') || !id.endsWith('.ts') || !code.includes('css`')) return null
      const out = code.replace(/\bcss`([^`]*)`/g, (whole, body: string) =>
        body.includes('${')
          ? whole
          : 'css`' +
            body
              .replace(/\/\*[\s\S]*?\*\//g, '')
              .replace(/\s+/g, ' ')
              .replace(/\s*([{};,>])\s*/g, '$1')
              .replace(/:\s+/g, ':')
              .trim() +
            '`'
      )
      return out === code ? null : { code: out, map: null }
    }
  }
}

/**
 * Bundles only engine.io-client's websocket transport: the renderer never uses long-polling or WebTransport
 * (SignalingClient passes `transports: ['websocket']`), and they cost ~3 KB gzipped of a 45 KB budget.
 */
function websocketOnlyEngine(): Plugin {
  const table = /engine\.io-client\/build\/esm\/transports\/index\.js$/
  const virtualId = '\0moim-websocket-only-transports'
  const unusedTransport = /^\.\/transports\/(polling-xhr|polling-xhr\.node|polling-fetch|webtransport)\.js$/
  const unusedId = '\0moim-unused-transports'
  let websocketTransport = ''
  return {
    name: 'moim-websocket-only-engine',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (importer === undefined || !importer.includes('engine.io-client')) return null
      // The package's index also re-exports the other transports, and polling-xhr.js runs code on load (an XHR
      // probe, an unload listener), so a bundler keeps it: nothing here uses those exports.
      if (/engine\.io-client\/build\/esm\/index\.js$/.test(importer) && unusedTransport.test(source)) {
        return unusedId
      }
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true })
      if (resolved === null || !table.test(resolved.id)) return null
      // The browser build of the transport (the package maps websocket.node.js to it for browsers).
      websocketTransport = resolved.id.replace(/index\.js$/, 'websocket.js')
      return virtualId
    },
    load(id) {
      if (id === unusedId) return 'export const XHR = undefined, Fetch = undefined, WT = undefined\n'
      if (id !== virtualId) return null
      return `import { WS } from ${JSON.stringify(websocketTransport)}\nexport const transports = { websocket: WS }\n`
    }
  }
}

export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        input: { index: resolve('src/main/index.ts') }
      }
    }
  },
  preload: {
    build: {
      rolldownOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // A sandboxed preload cannot load ES modules: emit CommonJS with a .cjs name because the
        // package is "type": "module".
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve('src/renderer'),
    // Relative asset paths so the same build loads from file:// in Electron and from / on the server.
    base: './',
    plugins: [minifyLitCss(), websocketOnlyEngine()],
    build: {
      // electron-vite leaves the renderer unminified; browsers on the LAN download it too, so minify it.
      minify: true,
      rolldownOptions: {
        input: { index: resolve('src/renderer/index.html') }
      }
    }
  }
})

import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'

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
    build: {
      // electron-vite leaves the renderer unminified; browsers on the LAN download it too, so minify it.
      minify: true,
      rolldownOptions: {
        input: { index: resolve('src/renderer/index.html') }
      }
    }
  }
})

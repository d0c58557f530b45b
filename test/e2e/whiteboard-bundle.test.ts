/**
 * The whiteboard's code (the component, Yjs, perfect-freehand) is not in what the web client loads at startup: it
 * is one chunk, fetched the first time the board opens.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt } from '../support/e2e'

let dir = ''
beforeAll(async () => {
  dir = await ensureBuilt()
}, 240_000)

/** The scripts index.html loads (module scripts and modulepreloads), as bench/bundle.ts counts them. */
function startupFiles(): string[] {
  const html = readFileSync(join(dir, 'index.html'), 'utf8')
  return [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="\.?\/?([^"]+\.js)"/g)].map((m) => m[1])
}

/** Yjs announces itself with this warning text; the component with its canvas's accessible name. */
const YJS = 'Yjs was already imported'
const BOARD = 'Shared whiteboard'

describe('the whiteboard in the web client build', () => {
  it('is not loaded at startup', () => {
    const files = startupFiles()
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const code = readFileSync(join(dir, file), 'utf8')
      expect(code.includes(YJS), `${file} holds Yjs`).toBe(false)
      expect(code.includes(BOARD), `${file} holds the whiteboard`).toBe(false)
    }
  })

  it('is one lazily loaded chunk holding the component and Yjs', () => {
    const chunks = readdirSync(join(dir, 'assets')).filter((file) => file.endsWith('.js'))
    const withYjs = chunks.filter((file) => readFileSync(join(dir, 'assets', file), 'utf8').includes(YJS))
    expect(withYjs).toHaveLength(1)
    expect(withYjs[0]).toMatch(/^moim-whiteboard-/)
    expect(readFileSync(join(dir, 'assets', withYjs[0]), 'utf8')).toContain(BOARD)
  })
})

/**
 * The layer rules of docs/ARCHITECTURE.md are checked by ESLint (eslint.config.js), not just written down: these
 * lint small snippets as if they were files of each layer, with the project's own config.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd() })

/** The `no-restricted-imports` messages ESLint reports for `code` as the file `filePath`. */
async function restrictedImports(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result.messages
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message)
}

describe('lint layer rules', () => {
  it.each([
    ["import { app } from 'electron'\nvoid app\n", 'src/server/some-module.ts'],
    ["import type { App } from 'electron'\nexport type A = App\n", 'src/server/some-module.ts'],
    ["import { ipcMain } from 'electron/main'\nvoid ipcMain\n", 'src/server/some-module.ts'],
    ["import { app } from 'electron'\nvoid app\n", 'src/shared/some-module.ts']
  ])('forbids %j in %s', async (code, filePath) => {
    expect(await restrictedImports(code, filePath)).toEqual([expect.stringMatching(/without Electron/)])
  })

  it.each([
    "import { LitElement } from 'lit'\nvoid LitElement\n",
    "import { property } from 'lit/decorators.js'\nvoid property\n",
    "import { Task } from '@lit/task'\nvoid Task\n"
  ])('forbids %j in the call core', async (code) => {
    const messages = await restrictedImports(code, 'src/renderer/src/core/some-module.ts')
    expect(messages).toEqual([expect.stringMatching(/plain TypeScript/)])
  })

  it('allows electron in main and Lit in components', async () => {
    expect(await restrictedImports("import { app } from 'electron'\nvoid app\n", 'src/main/x.ts')).toEqual([])
    expect(
      await restrictedImports(
        "import { LitElement } from 'lit'\nvoid LitElement\n",
        'src/renderer/src/components/x.ts'
      )
    ).toEqual([])
  })
})

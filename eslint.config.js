import tseslint from '@electron-toolkit/eslint-config-ts'
import eslintConfigPrettier from 'eslint-config-prettier'
import { configs as litConfigs } from 'eslint-plugin-lit'

const SERVER_NO_ELECTRON =
  'src/server and src/shared run without Electron (npm run host, tests): keep electron in src/main.'
const CORE_NO_LIT = 'The call core is plain TypeScript: Lit belongs in src/renderer/src/components.'

export default tseslint.config(
  { ignores: ['**/node_modules', '**/out', '**/dist', 'test-results', 'bench/results'] },
  tseslint.configs.recommended,
  litConfigs['flat/recommended'],
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/explicit-function-return-type': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
    }
  },
  {
    // The house rules of docs/ARCHITECTURE.md: the server and the shared protocol run in Node outside Electron
    // (npm run host, tests), so they must not import it.
    files: ['src/server/**', 'src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: SERVER_NO_ELECTRON }],
          patterns: [{ group: ['electron/*'], message: SERVER_NO_ELECTRON }]
        }
      ]
    }
  },
  {
    // The call core is plain TypeScript under the Lit components, testable without them.
    files: ['src/renderer/src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'lit', message: CORE_NO_LIT }],
          patterns: [{ group: ['lit/*', '@lit/*'], message: CORE_NO_LIT }]
        }
      ]
    }
  },
  eslintConfigPrettier
)

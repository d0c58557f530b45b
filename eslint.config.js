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
    // docs/ARCHITECTURE.md, "Call core": plain TypeScript under the Lit components, testable without a DOM
    // framework or the platform.
    files: ['src/renderer/src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'lit', message: CORE_NO_LIT }],
          patterns: [
            { group: ['lit/*', '@lit/*'], message: CORE_NO_LIT },
            {
              group: ['../components/*', '../controllers/*', '../platform', '../main'],
              message: 'The call core imports only itself, src/shared and socket.io-client.'
            }
          ]
        }
      ]
    }
  },
  {
    // Components hold UI state only: the Session (through the app shell) owns signaling, media and preferences.
    files: ['src/renderer/src/components/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'socket.io-client',
                '**/core/signaling-client',
                '**/core/call',
                '**/core/transport',
                '**/core/mesh-transport',
                '**/core/peer-connection',
                '**/core/local-media',
                '**/core/devices',
                '**/core/preferences'
              ],
              allowTypeImports: true,
              message: 'Components render state and call Session methods; call logic lives in the core.'
            }
          ]
        }
      ]
    }
  },
  eslintConfigPrettier
)

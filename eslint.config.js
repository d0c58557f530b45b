import tseslint from '@electron-toolkit/eslint-config-ts'
import eslintConfigPrettier from 'eslint-config-prettier'
import { configs as litConfigs } from 'eslint-plugin-lit'

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
    // docs/ARCHITECTURE.md, "Call core": plain TypeScript, testable without a DOM framework or the platform.
    files: ['src/renderer/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['lit', 'lit/*', '@lit/*'], message: 'The call core never imports Lit.' },
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

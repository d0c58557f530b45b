/** The call core: plain TypeScript (no Lit) that the UI components drive. */
export * from './types'
export * from './result'
export * from './preferences'
export * from './signaling-client'
export * from './peer-mesh'
export * from './local-media'
export * from './call'

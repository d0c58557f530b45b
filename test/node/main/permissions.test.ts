import { describe, expect, it } from 'vitest'
import { decidePermission, installPermissionHandlers, isAppUrl } from '../../../src/main/permissions'

const APP = 'app://moim/index.html'

describe('permission policy', () => {
  it.each([
    ['media', APP, ['video', 'audio']],
    ['media', 'app://moim/index.html?room=x#top', ['audio']],
    ['media', 'app://moim/', undefined],
    ['display-capture', APP, ['video']],
    ['clipboard-sanitized-write', APP, undefined],
    ['speaker-selection', APP, undefined],
    ['fullscreen', APP, undefined],
    ['local-network-access', APP, undefined]
  ])('allows %s to the app page %s', (permission, requestingUrl, mediaTypes) => {
    expect(decidePermission({ permission, requestingUrl, mediaTypes, isMainFrame: true }, APP)).toEqual({
      allow: true,
      reason: 'app page'
    })
  })

  it.each([
    ['geolocation', APP, undefined, /not used/],
    ['notifications', APP, undefined, /not used/],
    ['midiSysex', APP, undefined, /not used/],
    ['clipboard-read', APP, undefined, /not used/],
    ['openExternal', APP, undefined, /not used/],
    ['hid', APP, undefined, /not used/],
    ['media', 'https://evil.example/', ['video'], /not the app/],
    ['media', 'app://other/index.html', ['video'], /not the app/],
    ['media', 'http://192.168.1.20:47100/', ['audio'], /not the app/],
    ['media', 'file:///tmp/index.html', ['video'], /not the app/],
    ['media', undefined, ['video'], /not the app/],
    ['media', 'not a url', ['video'], /not the app/],
    ['display-capture', 'https://evil.example/', ['video'], /not the app/],
    ['media', APP, ['video', 'usb'], /media type usb/]
  ])('denies %s to %s', (permission, requestingUrl, mediaTypes, reason) => {
    const decision = decidePermission({ permission, requestingUrl, mediaTypes, isMainFrame: true }, APP)
    expect(decision.allow).toBe(false)
    expect(decision.reason).toMatch(reason)
  })

  it('denies media to a frame embedded in the app page', () => {
    expect(decidePermission({ permission: 'media', requestingUrl: APP, isMainFrame: false }, APP)).toEqual({
      allow: false,
      reason: 'asked from an embedded frame'
    })
  })

  it('treats a file: app page as that one file, and a dev server as its origin', () => {
    expect(
      isAppUrl('file:///opt/moim/out/renderer/index.html', 'file:///opt/moim/out/renderer/index.html')
    ).toBe(true)
    expect(isAppUrl('file:///home/me/evil.html', 'file:///opt/moim/out/renderer/index.html')).toBe(false)
    expect(isAppUrl('http://localhost:5173/src/x.ts', 'http://localhost:5173/')).toBe(true)
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false)
    expect(isAppUrl('https://localhost:5173/', 'http://localhost:5173/')).toBe(false)
  })

  it('plugs the policy into both session handlers', () => {
    type RequestHandler = (wc: unknown, p: string, cb: (allow: boolean) => void, details: object) => void
    type CheckHandler = (wc: unknown, p: string, origin: string, details: object) => boolean
    let onRequest: RequestHandler | undefined
    let onCheck: CheckHandler | undefined
    const session = {
      setPermissionRequestHandler: (handler: RequestHandler) => (onRequest = handler),
      setPermissionCheckHandler: (handler: CheckHandler) => (onCheck = handler)
    }
    installPermissionHandlers(session as never, () => APP)
    const answers: boolean[] = []
    const ask = (requestingUrl: string, permission = 'media'): void =>
      onRequest!(null, permission, (allow) => answers.push(allow), {
        requestingUrl,
        isMainFrame: true,
        mediaTypes: ['video']
      })
    ask(APP)
    ask('https://evil.example/')
    ask(APP, 'geolocation')
    expect(answers).toEqual([true, false, false])
    expect(onCheck!(null, 'media', 'app://moim', { isMainFrame: true, mediaType: 'audio' })).toBe(true)
    expect(onCheck!(null, 'media', 'https://evil.example', { isMainFrame: true, mediaType: 'audio' })).toBe(
      false
    )
    expect(onCheck!(null, 'notifications', 'app://moim', { isMainFrame: true })).toBe(false)
  })
})

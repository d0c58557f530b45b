import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FakeWebContents } from '../../support/electron-fake'

const electron = await vi.hoisted(async () =>
  (await import('../../support/electron-fake')).createElectronFake()
)
vi.mock('electron', () => electron.module)

const { CONTENT_SECURITY_POLICY, guardWebContents, isExternalWebUrl, navigationAction, openExternally } =
  await import('../../../src/main/security')
const { APP_PAGE_URL, pageOrigin, resolveAppFile } = await import('../../../src/main/app-protocol')
const { DESKTOP_APP_ORIGIN } = await import('../../../src/server/origin-policy')
const { InviteInbox, inviteFromArgv, isInviteLink } = await import('../../../src/main/protocol-links')

const APP = 'app://moim/index.html'

describe('navigation and external links', () => {
  it.each([
    ['app://moim/index.html?room=x', 'allow'],
    ['https://example.org/help', 'open-externally'],
    ['http://192.168.1.20:47100/?room=team', 'open-externally'],
    ['file:///etc/passwd', 'block'],
    ['javascript:alert(1)', 'block'],
    ['moim://192.168.1.20/team', 'block'],
    ['app://other/index.html', 'block'],
    ['smb://server/share', 'block']
  ])('%s -> %s', (url, action) => {
    expect(navigationAction(url, APP)).toBe(action)
  })

  it('opens only http(s) links in the system browser', async () => {
    electron.opened.length = 0
    expect(await openExternally('https://example.org/')).toBe(true)
    expect(await openExternally('file:///etc/passwd')).toBe(false)
    expect(await openExternally(42)).toBe(false)
    expect(await openExternally(`https://x.org/${'a'.repeat(3000)}`)).toBe(false)
    expect(electron.opened).toEqual(['https://example.org/'])
    expect(isExternalWebUrl('http://')).toBe(false)
  })

  it('prevents navigation away, denies new windows and webviews', async () => {
    electron.opened.length = 0
    const contents = new FakeWebContents(electron)
    guardWebContents(contents as never, () => APP)
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(true)
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(contents.navigate('will-redirect', 'https://evil.example/')).toBe(true)
    expect(contents.navigate('will-navigate', 'app://moim/index.html')).toBe(false)
    expect(contents.navigate('will-attach-webview')).toBe(true)
    expect(contents.windowOpenHandler!({ url: 'https://example.org/a' })).toEqual({ action: 'deny' })
    expect(contents.windowOpenHandler!({ url: 'app://moim/index.html' })).toEqual({ action: 'deny' })
    await vi.waitFor(() =>
      expect(electron.opened).toEqual(['https://evil.example/', 'https://example.org/a'])
    )
  })

  it('has a CSP that loads scripts and styles only from the app and allows no plugins, frames or inline code', () => {
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split('; ').map((directive) => {
        const [name, ...values] = directive.split(' ')
        return [name, values] as const
      })
    )
    expect(directives.get('default-src')).toEqual(["'none'"])
    expect(directives.get('script-src')).toEqual(["'self'"])
    // The same as the page's own meta policy (index.html): a page obeys both, so a looser header would only mislead.
    expect(directives.get('style-src')).toEqual(["'self'"])
    expect(directives.get('object-src')).toEqual(["'none'"])
    expect(directives.get('frame-src')).toEqual(["'none'"])
    expect(directives.get('connect-src')).toEqual(["'self'", 'http:', 'https:', 'ws:', 'wss:'])
  })
})

describe('app page origin', () => {
  it('is what the page sends as Origin, also for the custom scheme whose URL origin is opaque', () => {
    expect(new URL('app://moim/index.html').origin).toBe('null')
    expect(pageOrigin('app://moim/index.html')).toBe('app://moim')
    expect(pageOrigin('http://localhost:5173/')).toBe('http://localhost:5173')
  })

  it('is the origin every Moim server accepts as the desktop app', () => {
    expect(pageOrigin(APP_PAGE_URL)).toBe(DESKTOP_APP_ORIGIN)
  })
})

describe('app:// file resolution', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'moim-app-'))
    await mkdir(join(root, 'assets'))
    await writeFile(join(root, 'index.html'), '<!doctype html>')
  })
  afterAll(() => rm(root, { recursive: true, force: true }))

  it('serves files inside the renderer folder only', () => {
    expect(resolveAppFile(root, 'app://moim/')).toBe(join(root, 'index.html'))
    expect(resolveAppFile(root, 'app://moim/assets/index-1.js?v=1')).toBe(join(root, 'assets/index-1.js'))
    expect(resolveAppFile(root, 'app://moim/a%20b.css')).toBe(join(root, 'a b.css'))
    expect(resolveAppFile(root, 'app://moim/../secret')).toBe(join(root, 'secret'))
    // Dot segments, plain or encoded, cannot climb out of the folder.
    expect(resolveAppFile(root, 'app://moim/%2e%2e/%2e%2e/etc/passwd')).toBe(join(root, 'etc/passwd'))
    expect(resolveAppFile(root, 'app://moim/..%2f..%2fetc/passwd')).toBe(join(root, 'etc/passwd'))
    expect(resolveAppFile(root, 'app://moim/..%5c..%5cetc')?.startsWith(root)).toBe(true)
    expect(resolveAppFile(root, 'app://moim/%E0%A4%A')).toBeNull()
    expect(resolveAppFile(root, 'app://moim/a%00b')).toBeNull()
    // The folder itself is no file (Chromium would answer a file: directory with a listing of it).
    expect(resolveAppFile(root, 'app://moim/%2e%2e%2f')).toBeNull()
    expect(resolveAppFile(root, 'app://other/index.html')).toBeNull()
    expect(resolveAppFile(root, 'https://moim/index.html')).toBeNull()
  })
})

describe('moim:// invites', () => {
  it('finds the invite among launch arguments and ignores anything else', () => {
    expect(inviteFromArgv(['/opt/Moim/moim', '--no-sandbox', 'moim://192.168.1.20:47100/team'])).toBe(
      'moim://192.168.1.20:47100/team'
    )
    expect(inviteFromArgv(['/opt/Moim/moim', 'http://192.168.1.20:47100/?room=team'])).toBeNull()
    expect(inviteFromArgv(['moim://192.168.1.20:99999/team', 'moim://bad host/'])).toBeNull()
    expect(isInviteLink('MOIM://[::1]:47100/a%20b')).toBe(true)
  })

  it('keeps an invite until the page takes it, then delivers later ones at once', () => {
    const inbox = new InviteInbox()
    inbox.receive('moim://10.0.0.2:47100/a')
    inbox.receive('javascript:alert(1)')
    expect(inbox.take()).toBe('moim://10.0.0.2:47100/a')
    expect(inbox.take()).toBeNull()
    const delivered: string[] = []
    inbox.connect((link) => delivered.push(link) > 0)
    inbox.receive('moim://10.0.0.3:47100/b')
    expect(delivered).toEqual(['moim://10.0.0.3:47100/b'])
    expect(inbox.take()).toBeNull()
    inbox.connect(() => false)
    inbox.receive('moim://10.0.0.4/c')
    expect(inbox.take()).toBe('moim://10.0.0.4/c')
  })
})

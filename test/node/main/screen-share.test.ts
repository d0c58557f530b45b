import { describe, expect, it, vi } from 'vitest'
import type { ScreenPickRequest } from '../../../src/shared/ipc'

const thumbnail = (data: string) => ({ isEmpty: () => data === '', toDataURL: () => data })
const SOURCES = [
  { id: 'screen:0:0', name: 'Entire screen', thumbnail: thumbnail('data:image/png;base64,AAA') },
  { id: 'window:42:0', name: 'Notes', thumbnail: thumbnail('') }
]
const electron = await vi.hoisted(async () =>
  (await import('../../support/electron-fake')).createElectronFake()
)
vi.mock('electron', () => electron.module)
electron.screenSources = SOURCES

const { ScreenPicker, installDisplayMediaHandler } = await import('../../../src/main/screen-share')

type Callback = (streams: { video?: unknown } | null) => void
type Handler = (request: { frame: { url: string; parent: unknown } | null }, callback: Callback) => void

/** Installs the handler on a fake session with a picker that records what the page is asked. */
function setUp() {
  const asked: ScreenPickRequest[] = []
  const picker = new ScreenPicker((request) => asked.push(request) > 0, 5_000)
  const session = electron.module.session.defaultSession
  installDisplayMediaHandler(session as never, picker, (url) => url === 'app://moim/index.html')
  const handler = electron.displayMediaRequestHandler as Handler
  const request = (url: string, parent: unknown = null): Promise<{ video?: unknown } | null> =>
    new Promise((resolve) => handler({ frame: { url, parent } }, resolve))
  return { asked, picker, request }
}

describe('screen share', () => {
  it('shows the sources in the page and grants the one the user picks', async () => {
    const { asked, picker, request } = setUp()
    const granted = request('app://moim/index.html')
    await vi.waitFor(() => expect(asked).toHaveLength(1))
    expect(asked[0].sources).toEqual([
      { id: 'screen:0:0', name: 'Entire screen', kind: 'screen', thumbnail: 'data:image/png;base64,AAA' },
      { id: 'window:42:0', name: 'Notes', kind: 'window', thumbnail: '' }
    ])
    expect(picker.choose({ requestId: asked[0].requestId, sourceId: 'window:42:0' })).toEqual({
      ok: true,
      value: null
    })
    expect(await granted).toEqual({ video: SOURCES[1] })
  })

  it('denies when the user cancels, and a late answer finds nothing pending', async () => {
    const { asked, picker, request } = setUp()
    const granted = request('app://moim/index.html')
    await vi.waitFor(() => expect(asked).toHaveLength(1))
    picker.choose({ requestId: asked[0].requestId, sourceId: null })
    expect(await granted).toBeNull()
    expect(picker.choose({ requestId: asked[0].requestId, sourceId: 'screen:0:0' })).toMatchObject({
      ok: false,
      code: 'not-found'
    })
  })

  it('denies pages other than the app and frames inside it without asking', async () => {
    const { asked, request } = setUp()
    expect(await request('https://evil.example/')).toBeNull()
    expect(await request('app://moim/index.html', { url: 'app://moim/index.html' })).toBeNull()
    expect(asked).toEqual([])
  })

  it('cancels an unanswered pick after its deadline, and a new pick replaces an old one', async () => {
    vi.useFakeTimers()
    try {
      const asked: ScreenPickRequest[] = []
      const picker = new ScreenPicker((request) => asked.push(request) > 0, 1_000)
      const sources = [{ id: 'screen:0:0', name: 'Screen', kind: 'screen' as const, thumbnail: '' }]
      const first = picker.pick(sources)
      const second = picker.pick(sources)
      expect(await first).toBeNull()
      vi.advanceTimersByTime(1_000)
      expect(await second).toBeNull()
      // The page was told to close each withdrawn request: first (replaced), then second (timed out).
      const [one, withdrawOne, two, withdrawTwo] = asked
      expect(withdrawOne).toEqual({ requestId: one.requestId, sources: [] })
      expect(withdrawTwo).toEqual({ requestId: two.requestId, sources: [] })
      expect(asked).toHaveLength(4)
      await expect(new ScreenPicker(() => false).pick(sources)).resolves.toBeNull()
    } finally {
      vi.useRealTimers()
    }
  })
})

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RecentHostsStore } from '../../../src/main/recent-hosts'
import { RECENT_HOSTS_MAX } from '../../../src/shared/join-address'

let directory: string
let file: string

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'moim-recent-'))
  file = join(directory, 'nested', 'recent-hosts.json')
})
afterEach(() => rm(directory, { recursive: true, force: true }))

describe('RecentHostsStore', () => {
  it('survives a restart: a new store reads what the last one wrote', async () => {
    let now = 1
    const first = new RecentHostsStore(file, () => now++)
    await first.add({ address: 'moim://192.168.1.20:47100/team' })
    await first.add({ address: 'laptop.local' })
    const second = new RecentHostsStore(file)
    expect(await second.list()).toEqual([
      { address: 'laptop.local:47100', lastJoined: 2 },
      { address: '192.168.1.20:47100', room: 'team', lastJoined: 1 }
    ])
  })

  it(`keeps the newest ${RECENT_HOSTS_MAX}`, async () => {
    const store = new RecentHostsStore(file)
    for (let i = 1; i <= RECENT_HOSTS_MAX + 3; i++) await store.add({ address: `10.0.0.${i}` })
    const list = await store.list()
    expect(list).toHaveLength(RECENT_HOSTS_MAX)
    expect(list[0].address).toBe(`10.0.0.${RECENT_HOSTS_MAX + 3}:47100`)
  })

  it('treats a damaged or hand-edited file as an empty list, then replaces it', async () => {
    const store = new RecentHostsStore(file, () => 5)
    await store.add({ address: '10.0.0.1' })
    for (const damaged of ['{not json', '{"address":"x"}', '[{"address":42,"lastJoined":1}]']) {
      await writeFile(file, damaged)
      expect(await store.list()).toEqual([])
    }
    expect(await store.add({ address: '10.0.0.2' })).toEqual({
      ok: true,
      value: [{ address: '10.0.0.2:47100', lastJoined: 5 }]
    })
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual([{ address: '10.0.0.2:47100', lastJoined: 5 }])
  })

  it('keeps every one of many simultaneous adds', async () => {
    const store = new RecentHostsStore(file)
    await Promise.all([1, 2, 3, 4].map((i) => store.add({ address: `10.0.1.${i}` })))
    expect((await store.list()).map((entry) => entry.address).sort()).toEqual([
      '10.0.1.1:47100',
      '10.0.1.2:47100',
      '10.0.1.3:47100',
      '10.0.1.4:47100'
    ])
  })

  it('refuses an address the lobby would refuse, and writes nothing', async () => {
    const store = new RecentHostsStore(file)
    expect(await store.add({ address: 'ftp://10.0.0.1' })).toMatchObject({
      ok: false,
      message: /not supported/
    })
    await expect(readFile(file, 'utf8')).rejects.toThrow()
  })
})

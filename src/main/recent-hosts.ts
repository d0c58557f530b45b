/**
 * The "recent hosts" list, kept as JSON in the app's user-data folder. Reads tolerate a missing or damaged file
 * (the list is a convenience); writes go to a temporary file first so a crash never leaves half a file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import * as v from 'valibot'
import type { RecentHost, RecentHostInput } from '../shared/ipc'
import { RECENT_HOSTS_MAX, rememberHost } from '../shared/join-address'
import { createLogger } from '../shared/logger'

const log = createLogger('recent-hosts')

const storedSchema = v.array(
  v.object({
    address: v.pipe(v.string(), v.maxLength(300)),
    room: v.optional(v.string()),
    lastJoined: v.number()
  })
)

export class RecentHostsStore {
  /** Serialises writes, so two quick joins cannot interleave. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now
  ) {}

  /** Newest first; an empty list when the file is missing or unreadable. */
  async list(): Promise<RecentHost[]> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch {
      return []
    }
    try {
      const parsed = v.safeParse(storedSchema, JSON.parse(text))
      if (parsed.success) return parsed.output.slice(0, RECENT_HOSTS_MAX)
    } catch {
      // Fall through: a damaged file is replaced by the next successful join.
    }
    log.warn('recent hosts file unreadable; starting a new list', { file: this.file })
    return []
  }

  /** Remembers a host that was joined; the address is parsed like the lobby does. */
  add(input: RecentHostInput): Promise<{ ok: true; value: RecentHost[] } | { ok: false; message: string }> {
    return this.serialise(async () => {
      const result = rememberHost(await this.list(), input, this.now())
      if (result.ok) await this.save(result.value)
      return result
    })
  }

  /** Forgets `address` (`HOST:PORT` as listed). */
  remove(address: string): Promise<RecentHost[]> {
    return this.serialise(async () => {
      const kept = (await this.list()).filter((entry) => entry.address !== address)
      await this.save(kept)
      return kept
    })
  }

  private serialise<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task)
    this.queue = run.catch(() => undefined)
    return run
  }

  private async save(entries: RecentHost[]): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true })
    const temporary = `${this.file}.${process.pid}.tmp`
    await writeFile(temporary, JSON.stringify(entries, null, 2), 'utf8')
    await rename(temporary, this.file)
  }
}

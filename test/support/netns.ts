/**
 * Two network namespaces joined by a veth pair: a LAN of two machines that exists only inside this one, so real
 * multicast DNS can be sent and received with no packet reaching any real network. Needs root and `ip`
 * (iproute2; .ci/run installs it when absent). Names carry the process id and a counter, so parallel runs do not
 * clash; `close()` deletes both namespaces (and with them the veth pair) and is safe to call after a failed setup.
 */
import { execFile, spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { promisify } from 'node:util'

const exec = promisify(execFile)

let made = 0

/** True when this process may create network namespaces (root with `ip`). */
export async function canCreateNetns(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false
  try {
    await exec('ip', ['-V'])
    return true
  } catch {
    return false
  }
}

export interface Machine {
  /** The namespace's name, for `ip netns exec`. */
  netns: string
  /** Its interface on the shared link, and that interface's address (a /24 both machines are on). */
  interface: string
  address: string
  /**
   * An address of this machine outside the shared /24, which the other machine reaches through this one as
   * through a router: reachable, yet not on the other's networks.
   */
  remoteAddress: string
  /** Starts `command` inside this machine's namespace. */
  spawn(command: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams
}

export interface VirtualLan {
  a: Machine
  b: Machine
  close(): Promise<void>
}

/** Creates machines `a` (10.213.0.1/24) and `b` (10.213.0.2/24), loopback up, multicast routed over the link. */
export async function createVirtualLan(): Promise<VirtualLan> {
  made += 1
  // Interface names have at most 15 characters, and must not look like the virtual adapters that
  // network-addresses.ts leaves out of invites (veth*, docker*...): these stand for a real Ethernet link.
  const tag = `${process.pid % 100_000}x${made}`
  const names = { a: `moimA${tag}`, b: `moimB${tag}` }
  const links = { a: `mla${tag}`, b: `mlb${tag}` }
  const created: string[] = []
  const close = async (): Promise<void> => {
    for (const netns of created.splice(0)) await exec('ip', ['netns', 'del', netns]).catch(() => undefined)
  }
  const ip = (...args: string[]) => exec('ip', args)
  try {
    for (const netns of [names.a, names.b]) {
      await ip('netns', 'add', netns)
      created.push(netns)
    }
    await ip(
      'link',
      'add',
      links.a,
      'netns',
      names.a,
      'type',
      'veth',
      'peer',
      'name',
      links.b,
      'netns',
      names.b
    )
    const machine = (side: 'a' | 'b', address: string, remoteAddress: string): Machine => {
      const netns = names[side]
      return {
        netns,
        interface: links[side],
        address,
        remoteAddress,
        spawn: (command, args, env) =>
          spawn('ip', ['netns', 'exec', netns, command, ...args], { env: { ...process.env, ...env } })
      }
    }
    const a = machine('a', '10.213.0.1', '10.214.0.1')
    const b = machine('b', '10.213.0.2', '10.214.1.2')
    for (const m of [a, b]) {
      await ip('-n', m.netns, 'addr', 'add', `${m.address}/24`, 'dev', m.interface)
      await ip('-n', m.netns, 'link', 'set', 'lo', 'up')
      await ip('-n', m.netns, 'link', 'set', m.interface, 'up')
      // The namespace has no default route; a LAN's machines have one, and multicast queries follow it.
      await ip('-n', m.netns, 'route', 'add', '224.0.0.0/4', 'dev', m.interface)
      await ip('-n', m.netns, 'addr', 'add', `${m.remoteAddress}/32`, 'dev', 'lo')
    }
    await ip('-n', b.netns, 'route', 'add', `${a.remoteAddress}/32`, 'via', a.address)
    await ip('-n', a.netns, 'route', 'add', `${b.remoteAddress}/32`, 'via', b.address)
    return { a, b, close }
  } catch (error) {
    await close()
    throw error
  }
}

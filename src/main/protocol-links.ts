/**
 * `moim://HOST:PORT/ROOM` invite links: the app registers itself as their handler, picks them up at launch (in
 * argv on Windows and Linux), from a second launch (`second-instance`) and from macOS `open-url`, and hands them
 * to the page, which fills in the join form. Links are validated with the same parser as the lobby.
 */
import { resolve } from 'node:path'
import { app } from 'electron'
import { parseJoinAddress } from '../shared/join-address'
import { createLogger } from '../shared/logger'

const log = createLogger('protocol-links')

export const INVITE_SCHEME = 'moim'

/** True for a `moim://` link the lobby can use. */
export function isInviteLink(text: unknown): text is string {
  return (
    typeof text === 'string' &&
    text.toLowerCase().startsWith(`${INVITE_SCHEME}://`) &&
    parseJoinAddress(text).ok
  )
}

/** The first usable invite link among command-line arguments, or null. */
export function inviteFromArgv(argv: readonly string[]): string | null {
  return argv.find(isInviteLink) ?? null
}

/**
 * Holds the invite until the page can take it: `take()` hands out the one the app started with (once), and while
 * a page listens, later invites are delivered at once.
 */
export class InviteInbox {
  private pending: string | null = null
  private deliver: ((link: string) => boolean) | undefined

  /** A link arrived (argv, second instance, open-url); ignored unless it is a valid invite. */
  receive(link: unknown): void {
    if (!isInviteLink(link)) {
      if (link !== undefined && link !== null) log.warn('ignored a link that is not a Moim invite')
      return
    }
    log.info('invite received', { link })
    if (this.deliver?.(link)) return
    this.pending = link
  }

  /** The waiting invite, once. */
  take(): string | null {
    const link = this.pending
    this.pending = null
    return link
  }

  /** Where to send invites from now on; `deliver` returns false when the page cannot take it. */
  connect(deliver: ((link: string) => boolean) | undefined): void {
    this.deliver = deliver
  }
}

/** Registers the app as the `moim:` handler and listens for macOS `open-url`. */
export function installProtocolLinks(inbox: InviteInbox): void {
  // In development Electron runs as `electron path/to/app`, so the OS must be told to pass the app path too.
  const registered =
    process.defaultApp && process.argv.length >= 2
      ? app.setAsDefaultProtocolClient(INVITE_SCHEME, process.execPath, [resolve(process.argv[1])])
      : app.setAsDefaultProtocolClient(INVITE_SCHEME)
  if (!registered) log.warn('could not register as the moim:// handler')
  app.on('open-url', (event, url) => {
    event.preventDefault()
    inbox.receive(url)
  })
}

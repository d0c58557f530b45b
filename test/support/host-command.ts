import { SERVER_NODE_FLAGS } from '../../src/server/process-flags'

/**
 * `npm run host` as the tests run it: Node itself, with the server's V8 flags and tsx as its loader, one
 * process, as package.json says. (Through the `tsx` CLI, a wrapper process relays Ctrl-C and SIGKILLs the server
 * if it does not answer within 60 ms, which on a busy machine ended the server before it told its clients.)
 */
export const HOST_SCRIPT = ['node', ...SERVER_NODE_FLAGS, '--import', 'tsx', 'src/main/host-cli.ts'].join(' ')

/** The executable and arguments that run the headless server with `args`, from the repository's root. */
export function hostCommand(args: string[]): [string, string[]] {
  const [, ...nodeArgs] = HOST_SCRIPT.split(' ')
  return [process.execPath, [...nodeArgs, ...args]]
}

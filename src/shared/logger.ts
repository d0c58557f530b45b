/**
 * A tiny named logger used by every module (main, CLI, renderer), so each line says where it came from.
 * The level is global: the CLI sets it from its flags and tests silence it.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

let currentLevel: LogLevel = 'info'

export function setLogLevel(level: LogLevel): void {
  currentLevel = level
}

export function getLogLevel(): LogLevel {
  return currentLevel
}

export interface Logger {
  debug(message: string, details?: Record<string, unknown>): void
  info(message: string, details?: Record<string, unknown>): void
  warn(message: string, details?: Record<string, unknown>): void
  error(message: string, details?: Record<string, unknown>): void
}

export function createLogger(name: string): Logger {
  const write =
    (level: Exclude<LogLevel, 'silent'>) =>
    (message: string, details?: Record<string, unknown>): void => {
      if (ORDER[level] < ORDER[currentLevel]) return
      const line = `[${name}] ${message}`
      const args: unknown[] = details === undefined ? [line] : [line, details]
      console[level](...args)
    }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}

import type { Logger } from 'pino'

/**
 * Stops a service cleanly on SIGTERM (systemd, docker) or SIGINT (Ctrl-C), once, and exits
 * 0 when the stop completed, 1 when it failed.
 */
export function stopOnSignals(stop: () => Promise<void>, log: Logger): void {
  let stopping = false
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'stopping')
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'unclean stop')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
}

/** A TCP port from the command line: 0 (any free port) to 65535, or an error saying so. */
export function parsePort(name: string, value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new RangeError(`--${name} must be a port number from 0 to 65535, not "${value}"`)
  }
  return n
}

import { execFile } from 'node:child_process'
import type { Logger } from 'pino'

/**
 * The systemd watchdog (sd_notify(3), WatchdogSec= in ejia-edge.service). Node has no
 * AF_UNIX datagram socket to send to NOTIFY_SOCKET itself, and the `sd-notify` package is
 * a native addon (a build per Node ABI on every kiosk), so the ping runs `systemd-notify`,
 * which ships with systemd. Its message comes from a child process: the unit sets
 * NotifyAccess=all. systemd may drop a message whose sender exited before it was read
 * (systemd issue #2737), so the agent pings four times per watchdog interval: one lost
 * ping does not trip it. Without NOTIFY_SOCKET and WATCHDOG_USEC (not under systemd, or no
 * watchdog) it does nothing.
 */
export function startWatchdog(log: Logger, env: NodeJS.ProcessEnv = process.env): () => void {
  const usec = Number(env.WATCHDOG_USEC)
  if (!env.NOTIFY_SOCKET) return () => undefined
  const notify = (state: string) =>
    execFile('systemd-notify', [state], { timeout: 5000 }, (err) => {
      if (err) log.warn({ err, state }, 'systemd-notify failed')
    })
  notify('READY=1')
  if (!Number.isFinite(usec) || usec <= 0) return () => undefined
  const timer = setInterval(() => notify('WATCHDOG=1'), Math.max(1000, usec / 1000 / 4))
  timer.unref()
  return () => clearInterval(timer)
}

import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * `<dataDir>/hub.lock`: written by a running hub, removed when it stops. A restore (and any
 * tool that replaces hub.db) refuses to run while the process it names is alive. The hub
 * itself only writes it: refusing to start on a lock left by a crash whose pid a reboot gave
 * to another process would keep a kiosk fleet's hub down for a stale file.
 */
export const LOCK_FILE = 'hub.lock'

export interface HubLock {
  pid: number
  startedAt: string
}

export function writeHubLock(dataDir: string, now: number): void {
  const lock: HubLock = { pid: process.pid, startedAt: new Date(now).toISOString() }
  writeFileSync(join(dataDir, LOCK_FILE), `${JSON.stringify(lock)}\n`)
}

export function removeHubLock(dataDir: string): void {
  rmSync(join(dataDir, LOCK_FILE), { force: true })
}

/** The lock of a hub process that is alive, or undefined (no lock, or its process is gone). */
export function runningHub(dataDir: string): HubLock | undefined {
  let lock: HubLock
  try {
    lock = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as HubLock
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    // unreadable: assume a hub is there rather than restore under it
    return { pid: -1, startedAt: 'unknown' }
  }
  try {
    process.kill(lock.pid, 0)
    return lock
  } catch (err) {
    // EPERM: alive, owned by another user
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? lock : undefined
  }
}

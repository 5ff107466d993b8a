import { execFileSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AGENT_VERSION,
  type AgentStatus,
  type Journal,
  RecordError,
  SqliteJournal,
  startAgent,
  startEdge,
  systemClock,
} from '@ejia/edge'
import { newJournalKey } from '@ejia/protocol/chain'
import pino from 'pino'
import { MqttUplink } from '../../edge/src/adapters/mqtt/mqttUplink.js'
import type { makeDistrict } from '../helpers/district.js'
import type { TestHub } from '../helpers/hub.js'
import { checkinBody, faultKioskConfig } from './faultKit.js'

const log = pino({ level: 'silent' })
export const MiB = 1024 ** 2

/**
 * A kiosk whose data disk can be filled and emptied: on a real tiny tmpfs when this
 * process may mount one (root, CAP_SYS_ADMIN), or with SQLite's own "disk full" error
 * injected at the journal adapter and a matching DiskSpace port when it may not.
 */
export interface DiskKiosk {
  stationId: string
  readonly journalFile: string
  record(n: number): Promise<{ id: string; seq: number } | 'refused'>
  status(): Promise<AgentStatus>
  fill(): void
  free(): void
  stop(): Promise<void>
}

// SQLite lets the WAL reach 1000 pages (4 MiB) before it checkpoints: room for that, and the rows
export const TMPFS_BYTES = 8 * MiB
export const canMountTmpfs = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'ejia-fault-mount-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' })
    execFileSync('umount', [dir], { stdio: 'ignore' })
    return true
  } catch {
    return false
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})()
const mounts: string[] = []

/** A fresh tmpfs of `bytes`, unmounted by `unmountLeftovers` if the test does not. */
export function mountTmpfs(bytes = TMPFS_BYTES): { dir: string; unmount(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ejia-fault-tmpfs-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir])
  mounts.push(dir)
  return {
    dir,
    unmount() {
      execFileSync('umount', [dir])
      mounts.splice(mounts.indexOf(dir), 1)
    },
  }
}

/** Fills the file system of `file` to the last byte it will take. */
export function fillDisk(file: string): void {
  const fd = openSync(file, 'a')
  try {
    for (const size of [64 * 1024, 4096, 512]) {
      const chunk = Buffer.alloc(size, 1)
      try {
        for (;;) writeSync(fd, chunk)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
      }
    }
  } finally {
    closeSync(fd)
  }
}

/** Unmounts what a failed run left mounted. */
export function unmountLeftovers(): void {
  for (const m of mounts.splice(0)) execFileSync('umount', ['-l', m], { stdio: 'ignore' })
}

const refusedOnStorage = (err: unknown) => {
  if (err instanceof RecordError && err.code === 'storageFailed') return 'refused' as const
  throw err
}

/** The real edge, its data directory on a tmpfs of TMPFS_BYTES, filled by a ballast file. */
export async function tmpfsKiosk(
  hub: TestHub,
  district: ReturnType<typeof makeDistrict>,
): Promise<DiskKiosk> {
  const { dir: mount, unmount } = mountTmpfs()
  const config = faultKioskConfig(district.configs[0]!, hub.mqttUrl, join(mount, 'kiosk'))
  config.journal.diskWarnFreeBytes = MiB
  const edge = await startEdge(config, { log, localApi: false })
  const ballast = join(mount, 'ballast')
  let journalFile = join(config.dataDir, 'journal.db')
  return {
    stationId: config.station.id,
    get journalFile() {
      return journalFile
    },
    record: (n) => edge.agent.record('checkin', checkinBody(n).body).catch(refusedOnStorage),
    status: () => edge.agent.status(),
    fill: () => fillDisk(ballast),
    free: () => unlinkSync(ballast),
    async stop() {
      await edge.stop()
      // the journal is checked after the stop: copy it off the tmpfs, which goes now
      const keep = mkdtempSync(join(tmpdir(), 'ejia-fault-journal-'))
      execFileSync('cp', [join(config.dataDir, 'journal.db'), keep])
      journalFile = join(keep, 'journal.db')
      unmount()
    },
  }
}

/** The agent core on a real SQLite journal that answers SQLITE_FULL to every write while "full". */
export async function injectedKiosk(
  hub: TestHub,
  district: ReturnType<typeof makeDistrict>,
): Promise<DiskKiosk> {
  const config = district.configs[0]!
  const dir = mkdtempSync(join(tmpdir(), 'ejia-fault-diskfull-'))
  const journalFile = join(dir, 'journal.db')
  const inner = await SqliteJournal.open(journalFile, config.station.id, newJournalKey())
  let full = false
  const writes = new Set(['append', 'markAcked', 'markRejected', 'prune', 'shrinkTo', 'requeue'])
  // the error node-sqlite3 gives for a full disk (SQLITE_FULL, errno 13)
  const diskFull = () =>
    Object.assign(new Error('SQLITE_FULL: database or disk is full'), { errno: 13, code: 'SQLITE_FULL' })
  const journal = new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target)
      if (typeof value !== 'function') return value
      const fn = value as (...args: unknown[]) => unknown
      if (!writes.has(String(prop))) return fn.bind(target)
      return async (...args: unknown[]) => {
        if (full) throw diskFull()
        return fn.apply(target, args)
      }
    },
  }) as Journal
  const uplink = new MqttUplink({
    url: hub.mqttUrl,
    stationId: config.station.id,
    username: config.hub.username,
    password: config.hub.password,
    reconnectPeriodMs: 200,
    log,
  })
  const agent = await startAgent(
    {
      journal,
      uplink,
      clock: systemClock,
      log,
      diskSpace: async () => ({ freeBytes: full ? 0 : 3 * 1024 * MiB, totalBytes: 4 * 1024 * MiB }),
    },
    {
      batchMaxEvents: 50,
      maxInFlightBatches: 4,
      ackTimeoutMs: 2000,
      heartbeatIntervalMs: 1000,
      retentionMs: 180 * 86_400_000,
      journalBound: { maxBytes: 512 * MiB, diskWarnFreeBytes: MiB },
      versions: { agent: AGENT_VERSION, config: config.configVersion },
    },
  )
  return {
    stationId: config.station.id,
    journalFile,
    record: (n) => agent.record('checkin', checkinBody(n).body).catch(refusedOnStorage),
    status: () => agent.status(),
    fill: () => {
      full = true
    },
    free: () => {
      full = false
    },
    stop: () => agent.stop(),
  }
}

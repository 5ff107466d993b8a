import { execFileSync } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs'
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
import { openDatabaseReadOnly } from '@ejia/platform'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { MqttUplink } from '../../edge/src/adapters/mqtt/mqttUplink.js'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub, type TestHub } from '../helpers/hub.js'
import { until } from '../helpers/wait.js'
import { checkinBody, checkLedger, faultKioskConfig, faultRuns, printFigures } from './faultKit.js'

const log = pino({ level: 'silent' })
const MiB = 1024 ** 2
/** How many times the disk fills and empties again in one run. */
const EPISODES = faultRuns(2)

/**
 * A kiosk whose data disk can be filled and emptied: on a real tiny tmpfs when this
 * process may mount one (root, CAP_SYS_ADMIN), or with SQLite's own "disk full" error
 * injected at the journal adapter and a matching DiskSpace port when it may not.
 */
interface DiskKiosk {
  stationId: string
  readonly journalFile: string
  record(n: number): Promise<{ id: string; seq: number } | 'refused'>
  status(): Promise<AgentStatus>
  fill(): void
  free(): void
  stop(): Promise<void>
}

// SQLite lets the WAL reach 1000 pages (4 MiB) before it checkpoints: room for that, and the rows
const TMPFS_BYTES = 8 * MiB
const canMountTmpfs = (() => {
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
afterAll(() => {
  for (const m of mounts) execFileSync('umount', ['-l', m], { stdio: 'ignore' })
})

const refusedOnStorage = (err: unknown) => {
  if (err instanceof RecordError && err.code === 'storageFailed') return 'refused' as const
  throw err
}

/** The real edge, its data directory on a tmpfs of TMPFS_BYTES, filled by a ballast file. */
async function tmpfsKiosk(hub: TestHub, district: ReturnType<typeof makeDistrict>): Promise<DiskKiosk> {
  const mount = mkdtempSync(join(tmpdir(), 'ejia-fault-tmpfs-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', mount])
  mounts.push(mount)
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
    fill() {
      const fd = openSync(ballast, 'a')
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
    },
    free: () => unlinkSync(ballast),
    async stop() {
      await edge.stop()
      // the journal is checked after the stop: copy it off the tmpfs, which goes now
      const keep = mkdtempSync(join(tmpdir(), 'ejia-fault-journal-'))
      execFileSync('cp', [join(config.dataDir, 'journal.db'), keep])
      journalFile = join(keep, 'journal.db')
      execFileSync('umount', [mount])
      mounts.splice(mounts.indexOf(mount), 1)
    },
  }
}

/** The agent core on a real SQLite journal that answers SQLITE_FULL to every write while "full". */
async function injectedKiosk(hub: TestHub, district: ReturnType<typeof makeDistrict>): Promise<DiskKiosk> {
  const config = district.configs[0]!
  const dir = mkdtempSync(join(tmpdir(), 'ejia-fault-diskfull-'))
  mkdirSync(dir, { recursive: true })
  const journalFile = join(dir, 'journal.db')
  const inner = await SqliteJournal.open(journalFile, config.station.id)
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

interface Alarm {
  kind: string
  subject: string
  clearedAt: string | null
  clearReason: string | null
  detail: Record<string, unknown>
}

const alarmKey = (a: Alarm) => `${a.kind}:${a.subject}:${a.clearReason}`

async function alarms(hub: TestHub, stationId: string): Promise<Alarm[]> {
  const res = await fetch(`${hub.api}/api/alarms?station=${stationId}`, { headers: hub.auth })
  return ((await res.json()) as { alarms: Alarm[] }).alarms
}

/**
 * Scenario 4 of the fault suite (docs/RELIABILITY.md, "Faults"): the kiosk's data disk
 * fills while it records. Each time: events are refused with a reason (never answered 201
 * and then lost), the heartbeat carries the journal's storageFailed fault and the disk
 * figures, and the hub raises diskLow and a deviceFault alarm on the journal; when space
 * returns the kiosk records again, both alarms clear, and the journal drains. At the end
 * the journal passes SQLite's integrity check and the ledger holds 1..N: every event
 * answered 201, and nothing that was refused.
 */
async function fillAndEmpty(variant: string, make: typeof tmpfsKiosk): Promise<void> {
  const started = Date.now()
  const district = makeDistrict(1)
  const hubDir = mkdtempSync(join(tmpdir(), 'ejia-fault-diskfull-hub-'))
  const hub = await startTestHub(district.registry, {
    dataDir: hubDir,
    fleetWatch: { checkEveryMs: 200, faultHoldMs: 0, diskLowFreeBytes: MiB, diskLowFreeFraction: 0 },
  })
  const kiosk = await make(hub, district)
  const confirmed = new Map<string, number>()
  let n = 0
  let refused = 0
  let acceptedWhileFull = 0
  const recordSome = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const r = await kiosk.record(n++)
      if (r === 'refused') refused++
      else confirmed.set(r.id, r.seq)
    }
  }
  let stopped = false
  const openKinds = async () =>
    (await alarms(hub, kiosk.stationId))
      .filter((a) => a.clearedAt === null)
      .map((a) => `${a.kind}:${a.subject}`)
  try {
    for (let episode = 0; episode < EPISODES; episode++) {
      const refusedBefore = refused
      await recordSome(30)
      expect(refused, 'recording while the disk has room').toBe(refusedBefore)
      kiosk.fill()
      // SQLite first reuses the WAL space it holds: recording goes on until it needs more
      for (let attempts = 0; refused === refusedBefore && attempts < 5000; attempts++) {
        const r = await kiosk.record(n++)
        if (r === 'refused') refused++
        else {
          confirmed.set(r.id, r.seq)
          acceptedWhileFull++
        }
      }
      expect(refused, 'the full disk refused an event').toBe(refusedBefore + 1)
      await recordSome(10)
      const faults = (await kiosk.status()).health.faults
      expect(faults).toContainEqual(expect.objectContaining({ device: 'journal', code: 'storageFailed' }))
      await until(
        'the hub to raise diskLow and a journal deviceFault',
        async () => {
          const open = await openKinds()
          return open.includes('diskLow:') && open.includes('deviceFault:journal') ? open : undefined
        },
        15_000,
        100,
      )

      kiosk.free()
      const refusedWhileFull = refused
      await recordSome(30)
      expect(refused, 'recording again once space returned').toBe(refusedWhileFull)
      let stillOpen: string[] = []
      await until(
        'both alarms to clear',
        async () => {
          stillOpen = await openKinds()
          return stillOpen.length === 0 ? true : undefined
        },
        15_000,
        100,
      ).catch(async (err: Error) => {
        const { faults, disk } = (await kiosk.status()).health
        throw new Error(
          `${err.message}; open: ${stillOpen.join(', ')}; kiosk: ${JSON.stringify({ faults, disk })}`,
        )
      })
    }
    const drained = await until(
      'the kiosk to drain',
      async () => {
        const s = await kiosk.status()
        return s.connected && s.health.backlog.depth === 0 ? s : undefined
      },
      30_000,
      100,
    )
    stopped = true
    await kiosk.stop()
    const history = await alarms(hub, kiosk.stationId)
    const journal = await openDatabaseReadOnly(kiosk.journalFile)
    const integrity = await journal.all<{ integrity_check: string }[]>('PRAGMA integrity_check')
    await journal.close()
    const { figures, examples } = await checkLedger(join(hubDir, 'hub.db'), [
      {
        stationId: kiosk.stationId,
        lastSeq: drained.health.lastSeq,
        confirmed,
        journalFile: kiosk.journalFile,
      },
    ])
    printFigures(`diskFull:${variant}`, {
      runs: EPISODES,
      diskFull: EPISODES,
      refused,
      acceptedWhileFull,
      alarms: Object.fromEntries(
        [...new Set(history.map(alarmKey))].map((k) => [k, history.filter((a) => alarmKey(a) === k).length]),
      ),
      events: figures.events,
      confirmed: confirmed.size,
      integrity: integrity.map((r) => r.integrity_check).join('; '),
      gaps: figures.gaps,
      duplicates: figures.duplicates,
      lost: figures.lost,
      ms: Date.now() - started,
    })
    expect(integrity).toEqual([{ integrity_check: 'ok' }])
    expect(figures, examples.join('\n')).toEqual({
      stations: 1,
      // the agent.start, and the events answered 201: none of the refused ones slipped in
      events: confirmed.size + 1,
      gaps: 0,
      duplicates: 0,
      lost: 0,
      mismatched: 0,
    })
    expect(figures.events).toBe(drained.health.lastSeq)
    expect(history.map(alarmKey).sort()).toEqual(
      [
        ...Array(EPISODES).fill('deviceFault:journal:faultGone'),
        ...Array(EPISODES).fill('diskLow::diskOk'),
      ].sort(),
    )
  } finally {
    if (!stopped) await kiosk.stop().catch(() => undefined)
    await hub.stop()
  }
}

describe('faults: the kiosk disk filling up', () => {
  it.skipIf(!canMountTmpfs)(
    `on a ${TMPFS_BYTES / MiB} MiB tmpfs: alarms, refusals, recovery, nothing lost`,
    {
      timeout: 30_000 + EPISODES * 15_000,
    },
    () => fillAndEmpty('tmpfs', tmpfsKiosk),
  )

  it(
    'with SQLITE_FULL injected at the journal: alarms, refusals, recovery, nothing lost',
    {
      timeout: 30_000 + EPISODES * 15_000,
    },
    () => fillAndEmpty('injected', injectedKiosk),
  )
})

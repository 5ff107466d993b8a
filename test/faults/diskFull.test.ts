import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabaseReadOnly } from '@ejia/platform'
import { afterAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub, type TestHub } from '../helpers/hub.js'
import { until } from '../helpers/wait.js'
import { canMountTmpfs, injectedKiosk, MiB, TMPFS_BYTES, tmpfsKiosk, unmountLeftovers } from './diskKiosks.js'
import { CLEAN_LEDGER, checkLedger, faultRuns, printFigures } from './faultKit.js'

/** How many times the disk fills and empties again in one run. */
const EPISODES = faultRuns(2)

afterAll(unmountLeftovers)

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
      ...CLEAN_LEDGER,
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

import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Clock, type EdgeHandle, startEdge, systemClock } from '@ejia/edge'
import { openDatabaseReadOnly } from '@ejia/platform'
import { atLocal, localDate } from '@ejia/protocol'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub, type TestHub } from '../helpers/hub.js'
import { until } from '../helpers/wait.js'
import { CLEAN_LEDGER, checkinBody, checkLedger, faultKioskConfig, printFigures } from './faultKit.js'

const log = pino({ level: 'silent' })
const DAY = 86_400_000
const MIN = 60_000

interface Alarm {
  kind: string
  clearedAt: string | null
  clearReason: string | null
  detail: { clockSkewS?: number }
}

async function get<T>(hub: TestHub, path: string): Promise<T> {
  const res = await fetch(`${hub.api}${path}`, { headers: hub.auth })
  expect(res.status, path).toBe(200)
  return (await res.json()) as T
}

/** Where each cadre of the station stands on the hub's duty board now. */
async function dutyBoard(hub: TestHub, stationId: string): Promise<Record<string, string>> {
  const now = await get<{ stations: { stationId: string; people: { personId: string; state: string }[] }[] }>(
    hub,
    '/api/duty/now',
  )
  const mine = now.stations.find((s) => s.stationId === stationId)
  return Object.fromEntries((mine?.people ?? []).map((p) => [p.personId, p.state]))
}

/**
 * Scenario 5 of the fault suite (docs/RELIABILITY.md, "Faults"): the kiosk's clock jumps
 * back to 2000-01-01, then a day ahead, then 25 minutes behind, while it records check-ins and duty punches,
 * then comes right again. The hub runs on a clock of its own too (true time from 08:25
 * China time today), which the test moves on to look at the duty board later.
 * - The ledger keeps the kiosk's order by seq, whatever the device times say.
 * - The hub sees the skew in every heartbeat and batch, raises clockSkew, and clears it
 *   when the clock is right again.
 * - Duty is not falsified: a punch stamped in 2000 does not count today, and a punch
 *   stamped a day ahead does not count tomorrow (it had not happened then), and a late
 *   punch stamped on time by a clock set back does not count as on time.
 */
describe('faults: the kiosk clock jumps back to 2000 and a day ahead', () => {
  it('keeps order by seq, raises clockSkew, and counts no punch at a time it did not happen', {
    timeout: 60_000,
  }, async () => {
    const started = Date.now()
    const district = makeDistrict(1)
    const stationId = district.configs[0]!.station.id
    const cadres = ['c1', 'c2', 'c3', 'c4'].map((c) => `${stationId}-${c}`) as [
      string,
      string,
      string,
      string,
    ]
    const today = localDate(Date.now())
    const base = atLocal(today, '08:25')
    const trueNow = () => base + (Date.now() - started)
    let hubAhead = 0
    let kioskOffset = 0
    const clock: Clock = { ...systemClock, now: () => trueNow() + kioskOffset }

    const hubDir = mkdtempSync(join(tmpdir(), 'ejia-fault-clock-'))
    const hub = await startTestHub(district.registry, {
      dataDir: hubDir,
      now: () => trueNow() + hubAhead,
      fleetWatch: { checkEveryMs: 200 },
    })
    let edge: EdgeHandle | undefined
    try {
      const rota = await fetch(`${hub.api}/api/duty/schedules/${stationId}`, {
        method: 'PUT',
        headers: { ...hub.auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          validFrom: localDate(base - 7 * DAY),
          patterns: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
            weekday,
            start: '08:30',
            end: '17:30',
            personIds: cadres,
          })),
        }),
      })
      expect(rota.status).toBe(200)

      const dataDir = mkdtempSync(join(tmpdir(), 'ejia-fault-clock-kiosk-'))
      const config = faultKioskConfig(district.configs[0]!, hub.mqttUrl, dataDir)
      edge = await startEdge(config, { log, clock, localApi: false })
      const agent = edge.agent
      const recorded: { id: string; seq: number; time: string }[] = []
      const record = async (type: 'checkin' | 'duty.punch', body: unknown) => {
        const e = await agent.record(type, body as never)
        recorded.push({ id: e.id, seq: e.seq, time: e.time })
      }
      const checkins = async (count: number) => {
        for (let i = 0; i < count; i++) await record('checkin', checkinBody(recorded.length).body)
      }
      const punch = (personId: string) => record('duty.punch', { personId, direction: 'in', method: 'card' })
      const skewS = async () =>
        (
          await get<{ stations: { id: string; clockSkewS: number | null }[] }>(hub, '/api/stations')
        ).stations.find((s) => s.id === stationId)?.clockSkewS ?? null
      const openSkewAlarm = async () =>
        (await get<{ alarms: Alarm[] }>(hub, `/api/alarms?station=${stationId}&kind=clockSkew&active=true`))
          .alarms[0]

      // right: c1 clocks in at 08:25
      await until('the kiosk to connect', async () => ((await agent.status()).connected ? true : undefined))
      await punch(cadres[0])
      await checkins(5)

      // back to 2000-01-01, 08:25 China time: c2 clocks in
      kioskOffset = atLocal('2000-01-01', '08:25') - trueNow()
      await punch(cadres[1])
      await checkins(5)
      const back = await until('the hub to see the kiosk 26 years behind', async () => {
        const s = await skewS()
        return s !== null && s < -(25 * 365 * 86_400) ? s : undefined
      })
      const raised = await until('a clockSkew alarm', openSkewAlarm, 10_000, 100)

      // a day ahead: c3 clocks in, "tomorrow"
      kioskOffset = DAY
      await punch(cadres[2])
      await checkins(5)
      const ahead = await until('the hub to see the kiosk a day ahead', async () => {
        const s = await skewS()
        return s !== null && Math.abs(s - 86_400) < 60 ? s : undefined
      })
      expect((await openSkewAlarm())?.clearedAt, 'the alarm stays open while the clock is wrong').toBeNull()

      // set back: c4 comes at 08:50 by the hub's clock, the kiosk's set back to say 08:25
      kioskOffset = 0
      hubAhead = 25 * MIN
      await punch(cadres[3])
      await checkins(5)
      const behind = await until('the hub to see the kiosk 25 minutes behind', async () => {
        const s = await skewS()
        return s !== null && Math.abs(s + 25 * 60) < 60 ? s : undefined
      })
      hubAhead = 0

      // right again
      kioskOffset = 0
      await checkins(5)
      const cleared = await until(
        'the clockSkew alarm to clear',
        async () => {
          const all = await get<{ alarms: Alarm[] }>(hub, `/api/alarms?station=${stationId}&kind=clockSkew`)
          return all.alarms.every((a) => a.clearedAt !== null) ? all.alarms : undefined
        },
        10_000,
        100,
      )
      const drained = await until('the kiosk to drain', async () => {
        const s = await agent.status()
        return s.connected && s.health.backlog.depth === 0 ? s : undefined
      })
      await edge.stop()
      edge = undefined

      const ledgerFile = join(hubDir, 'hub.db')
      const { figures, examples } = await checkLedger(ledgerFile, [
        {
          stationId,
          lastSeq: drained.health.lastSeq,
          confirmed: new Map(recorded.map((r) => [r.id, r.seq])),
          journalFile: join(dataDir, 'journal.db'),
        },
      ])
      const ledger = await openDatabaseReadOnly(ledgerFile)
      const rows = await ledger.all<{ seq: number; event_id: string; device_time: string }[]>(
        'SELECT seq, event_id, device_time FROM events WHERE station_id = ? ORDER BY seq',
        stationId,
      )
      await ledger.close()

      // the duty board half an hour into today's shift, and into tomorrow's
      hubAhead = 30 * MIN
      const todayBoard = await dutyBoard(hub, stationId)
      hubAhead = DAY + 30 * MIN
      const tomorrowBoard = await dutyBoard(hub, stationId)

      printFigures('clockJump', {
        runs: 1,
        jumps: 4,
        events: figures.events,
        skewBackS: Math.round(back),
        skewAheadS: Math.round(ahead),
        skewBehindS: Math.round(behind),
        alarms: cleared.map((a) => `clockSkew:${a.clearReason}`),
        dutyToday: todayBoard,
        dutyTomorrow: tomorrowBoard,
        gaps: figures.gaps,
        duplicates: figures.duplicates,
        ms: Date.now() - started,
      })
      expect(figures, examples.join('\n')).toMatchObject({
        ...CLEAN_LEDGER,
      })
      // the ledger in the kiosk's order (after its agent.start), device times jumping about within it
      expect(recorded.map((r) => r.seq)).toEqual(recorded.map((_, i) => i + 2))
      expect(rows.slice(1).map((r) => r.event_id)).toEqual(recorded.map((r) => r.id))
      expect(rows.map((r) => r.device_time.slice(0, 4))).toContain('2000')
      expect([...rows].sort((a, b) => a.device_time.localeCompare(b.device_time))).not.toEqual(rows)
      expect(raised.detail.clockSkewS).toBeLessThan(-(25 * 365 * 86_400))
      expect(cleared.map((a) => a.clearReason)).toEqual(['clockOk'])

      // today: only c1 clocked in with a right clock; c4's punch, stamped 08:25 by a clock
      // set back, does not make them on time (a correction would put 08:50 on record)
      expect(todayBoard).toEqual({
        [cadres[0]]: 'onDuty',
        [cadres[1]]: 'absent',
        [cadres[2]]: 'absent',
        [cadres[3]]: 'absent',
      })
      // tomorrow: c3's punch, stamped tomorrow but made today, does not put them on duty
      expect(tomorrowBoard).toEqual({
        [cadres[0]]: 'absent',
        [cadres[1]]: 'absent',
        [cadres[2]]: 'absent',
        [cadres[3]]: 'absent',
      })
    } finally {
      await edge?.stop()
      await hub.stop()
    }
  })
})

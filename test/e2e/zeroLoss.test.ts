import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabaseReadOnly } from '@ejia/platform'
import { describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { initialAdminAuth } from '../helpers/hub.js'
import { kill9, type Proc, runBin } from '../helpers/processes.js'

const STATIONS = 20
const EVENTS = 200
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * The acceptance run of the backbone, with real processes: a hub, a fleet of 19 kiosks
 * and one more kiosk in a process of its own. The hub is killed with SIGKILL and restarted
 * twice, and the lone kiosk once, while events flow. Every event must end up in the
 * ledger exactly once, with no gap in any station's sequence.
 */
describe('zero loss from kiosk journal to hub ledger', () => {
  it(`stores exactly ${STATIONS * EVENTS} events through two hub kills and one kiosk kill`, {
    timeout: 180_000,
  }, async () => {
    expect(existsSync(new URL('../../hub/dist/cli.js', import.meta.url)), 'run `npm run build` first').toBe(
      true,
    )
    const district = makeDistrict(STATIONS)
    const hubData = mkdtempSync(join(tmpdir(), 'ejia-e2e-hub-'))
    const simData = mkdtempSync(join(tmpdir(), 'ejia-e2e-sim-'))

    const startHub = (mqttPort = 0, httpPort = 0) =>
      runBin('hub', 'ejia-hub', [
        '--data',
        hubData,
        '--registry',
        district.registryFile,
        '--lab',
        '--host',
        '127.0.0.1',
        '--mqtt-port',
        String(mqttPort),
        '--http-port',
        String(httpPort),
      ])
    let hub: Proc = startHub()
    const ports = (await hub.firstJson) as { mqttPort: number; httpPort: number }
    const fleetArgs = (stations: number, offset: number) => [
      'fleet',
      '--hub',
      `mqtt://127.0.0.1:${ports.mqttPort}`,
      '--registry',
      district.registryFile,
      '--data',
      simData,
      '--stations',
      String(stations),
      '--offset',
      String(offset),
      '--events-per-station',
      String(EVENTS),
      '--rate',
      '12',
      '--heartbeat',
      '5',
    ]
    const restartHub = async () => {
      await kill9(hub)
      await sleep(700)
      hub = startHub(ports.mqttPort, ports.httpPort)
      await hub.firstJson
    }

    const fleet = runBin('simulators', 'ejia-sim', fleetArgs(STATIONS - 1, 0))
    let lone = runBin('simulators', 'ejia-sim', fleetArgs(1, STATIONS - 1))

    await sleep(3000)
    await restartHub()
    await sleep(2500)
    await kill9(lone)
    await sleep(500)
    lone = runBin('simulators', 'ejia-sim', fleetArgs(1, STATIONS - 1))
    await sleep(2500)
    await restartHub()

    const [fleetSummary, loneSummary] = await Promise.all([fleet.firstJson, lone.firstJson])
    expect(fleetSummary).toMatchObject({
      stations: STATIONS - 1,
      ledgerEventsExpected: (STATIONS - 1) * EVENTS,
    })
    expect(loneSummary).toMatchObject({ stations: 1, interrupted: false })
    // the restarted kiosk resumed from its journal rather than starting over
    expect(loneSummary.generatedThisRun).toBeGreaterThan(0)
    expect(loneSummary.generatedThisRun).toBeLessThan(EVENTS)
    expect(await fleet.exited).toBe(0)
    expect(await lone.exited).toBe(0)

    // the ledger itself, read straight from the hub's SQLite file
    const ledger = await openDatabaseReadOnly(join(hubData, 'hub.db'))
    const totals = await ledger.get<{ rows: number; ids: number; seqs: number }>(
      'SELECT count(*) AS rows, count(DISTINCT event_id) AS ids, count(DISTINCT station_id || ":" || seq) AS seqs FROM events',
    )
    expect(totals).toEqual({ rows: STATIONS * EVENTS, ids: STATIONS * EVENTS, seqs: STATIONS * EVENTS })
    const perStation = await ledger.all<{ station_id: string; n: number; lo: number; hi: number }[]>(
      'SELECT station_id, count(*) AS n, min(seq) AS lo, max(seq) AS hi FROM events GROUP BY station_id ORDER BY station_id',
    )
    expect(perStation).toHaveLength(STATIONS)
    for (const s of perStation) expect(s, s.station_id).toMatchObject({ n: EVENTS, lo: 1, hi: EVENTS })
    await ledger.close()

    // and as operators see it, logged in as the admin the hub made on its first start
    const api = `http://127.0.0.1:${ports.httpPort}`
    const auth = await initialAdminAuth(api, hubData)
    const stations = (await (await fetch(`${api}/api/stations`, { headers: auth })).json()) as {
      stations: { ledger: { events: number; missing: number } }[]
    }
    expect(stations.stations.map((s) => s.ledger)).toEqual(
      Array(STATIONS).fill({ events: EVENTS, seqMax: EVENTS, missing: 0 }),
    )
    const stats = (await (await fetch(`${api}/api/stats/ingest`, { headers: auth })).json()) as {
      accepted: number
      rejected: { total: number }
    }
    expect(stats).toMatchObject({ accepted: STATIONS * EVENTS, rejected: { total: 0 } })

    hub.child.kill('SIGTERM')
    expect(await hub.exited).toBe(0)
  })
})

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type HubAccount,
  MOSQUITTO_EJIA_SETTINGS,
  mosquittoDynsec,
  readExistingSecrets,
} from '@ejia/firmware-config'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startMosquitto, type TestMosquitto } from '../helpers/mosquitto.js'
import { tempDatabase } from '../helpers/postgres.js'
import { kill9, type Proc, runBin } from '../helpers/processes.js'

const STATIONS = 200
const EVENTS = 40
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * The acceptance run of a hub scaled out (docs/SCALING.md), every part a real process: 200
 * simulated kiosks on Mosquitto (the dynamic-security config from the registry), two ingest
 * workers on one PostgreSQL database, and one worker killed with SIGKILL while events
 * flow. Every event must be in the ledger exactly once, with no gap in any station's sequence.
 */
describe('a hub scaled out on Mosquitto and PostgreSQL', () => {
  let broker: TestMosquitto | undefined
  let db: Awaited<ReturnType<typeof tempDatabase>> | undefined
  const procs: Proc[] = []
  afterAll(async () => {
    for (const p of procs) await kill9(p)
    await db?.drop()
    await broker?.stop()
  })

  it(`stores ${STATIONS * EVENTS} events from ${STATIONS} stations exactly once through two workers, one killed`, {
    timeout: 180_000,
  }, async () => {
    const district = makeDistrict(STATIONS)
    const hub: HubAccount = { username: 'ejia-hub', password: 'scale-out-test-password-0123456789' }
    const passwordFile = join(mkdtempSync(join(tmpdir(), 'ejia-scale-')), 'hub.password')
    writeFileSync(passwordFile, `${hub.password}\n`, { mode: 0o600 })
    broker = await startMosquitto({
      settings: MOSQUITTO_EJIA_SETTINGS,
      dynsec: mosquittoDynsec(district.registry, readExistingSecrets(district.dir), hub),
    })
    db = await tempDatabase()
    const worker = (name: string) =>
      runBin('hub', 'ejia-hub', [
        '--broker',
        'external',
        '--mqtt-url',
        (broker as TestMosquitto).url,
        '--mqtt-username',
        hub.username,
        '--mqtt-password-file',
        passwordFile,
        '--store',
        (db as { url: string }).url,
        '--registry',
        district.registryFile,
        '--client-id',
        `ejia-ingest-${name}`,
        '--http-port',
        '0',
      ])
    const w1 = worker('w1')
    const w2 = worker('w2')
    procs.push(w1, w2)
    expect(await w1.firstJson).toMatchObject({ role: 'ingest' })
    expect(await w2.firstJson).toMatchObject({ role: 'ingest' })

    const fleet = runBin('simulators', 'ejia-sim', [
      'fleet',
      '--hub',
      broker.url,
      '--registry',
      district.registryFile,
      '--data',
      mkdtempSync(join(tmpdir(), 'ejia-scale-sim-')),
      '--stations',
      String(STATIONS),
      '--events-per-station',
      String(EVENTS),
      '--rate',
      '6',
      '--heartbeat',
      '5',
    ])
    procs.push(fleet)
    // both workers take a share; w1 dies mid-flow with batches in hand
    const committed = async (w: Proc) => {
      const { httpPort } = (await w.firstJson) as { httpPort: number }
      const h = (await (await fetch(`http://127.0.0.1:${httpPort}/health`)).json()) as {
        eventsCommitted: number
      }
      return h.eventsCommitted
    }
    for (let i = 0; (await committed(w1)) < 1000 || (await committed(w2)) < 1000; i++) {
      if (i > 300) throw new Error('the workers did not both take a share of the events')
      await sleep(50)
    }
    await kill9(w1)
    const summary = await fleet.firstJson
    expect(summary).toMatchObject({ stations: STATIONS, ledgerEventsExpected: STATIONS * EVENTS })
    expect(await fleet.exited).toBe(0)
    const health = (await w2.firstJson) as { httpPort: number }
    expect((await fetch(`http://127.0.0.1:${health.httpPort}/health`)).status).toBe(200)

    // the ledger itself, read straight from PostgreSQL
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    try {
      const totals = await client.query(
        `SELECT count(*)::int AS rows, count(DISTINCT (station_id, event_id))::int AS ids,
                count(DISTINCT (station_id, seq))::int AS seqs FROM events`,
      )
      expect(totals.rows[0]).toEqual({
        rows: STATIONS * EVENTS,
        ids: STATIONS * EVENTS,
        seqs: STATIONS * EVENTS,
      })
      const perStation = await client.query(
        'SELECT station_id, count(*)::int AS n, min(seq)::int AS lo, max(seq)::int AS hi FROM events GROUP BY station_id',
      )
      expect(perStation.rows).toHaveLength(STATIONS)
      for (const s of perStation.rows) expect(s, s.station_id).toMatchObject({ n: EVENTS, lo: 1, hi: EVENTS })
      const summaries = await client.query(
        'SELECT count(*)::int AS n FROM stations WHERE event_count = $1 AND seq_max = $1',
        [EVENTS],
      )
      expect(summaries.rows[0]).toEqual({ n: STATIONS })
      const rejects = await client.query('SELECT count(*)::int AS n FROM rejects')
      expect(rejects.rows[0]).toEqual({ n: 0 })
    } finally {
      await client.end()
    }
    w2.child.kill('SIGTERM')
    expect(await w2.exited).toBe(0)
  })
})

import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEdge } from '@ejia/edge'
import {
  type HubAccount,
  MOSQUITTO_EJIA_SETTINGS,
  mosquittoDynsec,
  readExistingSecrets,
} from '@ejia/firmware-config'
import { type IngestWorkerHandle, PgStorage, startIngestWorker } from '@ejia/hub'
import { stationTopic } from '@ejia/protocol'
import mqtt from 'mqtt'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startMosquitto, type TestMosquitto } from '../helpers/mosquitto.js'
import { tempDatabase } from '../helpers/postgres.js'
import { until } from '../helpers/wait.js'

const log = pino({ level: 'silent' })
const hub: HubAccount = { username: 'ejia-hub', password: 'hub-password-for-the-test-0123456789' }

/**
 * A hub scaled out (docs/SCALING.md), every part real: Mosquitto with the dynamic-security
 * config from the registry, two ingest workers on one PostgreSQL database, and a kiosk
 * agent that knows nothing of it: it logs in to the broker as it would to the hub.
 */
describe('ingest workers on an external broker and PostgreSQL', () => {
  const district = makeDistrict(2)
  const config = structuredClone(district.configs[0]!)
  const stationId = config.station.id
  let broker: TestMosquitto
  let db: Awaited<ReturnType<typeof tempDatabase>>
  let ledger: PgStorage
  const workers: IngestWorkerHandle[] = []
  beforeAll(async () => {
    broker = await startMosquitto({
      settings: MOSQUITTO_EJIA_SETTINGS,
      dynsec: mosquittoDynsec(district.registry, readExistingSecrets(district.dir), hub),
    })
    db = await tempDatabase()
    for (const name of ['w1', 'w2'])
      workers.push(
        await startIngestWorker({
          registry: district.registry,
          store: db.url,
          broker: {
            kind: 'external',
            url: broker.url,
            username: hub.username,
            password: hub.password,
            clientId: `ejia-ingest-test-${name}`,
          },
          http: { host: '127.0.0.1', port: 0 },
          log,
        }),
      )
    ledger = await PgStorage.open(db.url)
  })
  afterAll(async () => {
    for (const w of workers) await w.stop().catch(() => undefined)
    await ledger?.close()
    await db?.drop()
    await broker?.stop()
  })

  it('commits a kiosk’s events once and acks them, while one worker is stopped halfway', {
    timeout: 60_000,
  }, async () => {
    config.hub.mqttUrl = broker.url
    config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-kiosk-'))
    config.localApi.port = 0
    config.uplink.reconnectPeriodS = 0.3
    const edge = await startEdge(config, { log })
    const local = edge.localApiUrl!
    const record = async (from: number, n: number) => {
      for (let i = from; i < from + n; i++) {
        const res = await fetch(`${local}/api/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'checkin', body: { personId: `p-${i}`, method: 'card' } }),
        })
        expect(res.status).toBe(201)
      }
    }
    const drained = (events: number) =>
      until(`${events} events acked`, async () => {
        const s = (await (await fetch(`${local}/api/status`)).json()) as {
          connected: boolean
          health: { lastSeq: number; backlog: { depth: number } }
        }
        return s.connected && s.health.lastSeq === events && s.health.backlog.depth === 0 ? s : undefined
      })
    try {
      await record(1, 30)
      await drained(31) // agent.start and 30 check-ins
      const health = (await (await fetch(`http://127.0.0.1:${workers[0]?.httpPort}/health`)).json()) as {
        role: string
        brokerConnected: boolean
      }
      expect(health).toMatchObject({ role: 'ingest', brokerConnected: true })

      await workers[0]?.stop()
      await record(31, 20)
      await drained(51)

      const events = await ledger.queryEvents({ stationId, limit: 1000 })
      expect(events.map((e) => e.seq).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 51 }, (_, i) => i + 1),
      )
      expect(await ledger.ledgerSummary(stationId)).toEqual({ stationId, events: 51, seqMax: 51 })
      expect(await ledger.counters()).toMatchObject({ accepted: 51 })
    } finally {
      await edge.stop()
    }
  })

  it('refuses a malformed message with a reject record, and keeps serving', async () => {
    const other = district.configs[1]!
    const station = await mqtt.connectAsync(broker.url, {
      clientId: `ejia-edge-${other.station.id}`,
      username: other.hub.username,
      password: other.hub.password ?? '',
      protocolVersion: 4,
    })
    try {
      await station.publishAsync(stationTopic(other.station.id, 'events'), 'not json', { qos: 1 })
      const rejects = await until('the reject record', async () => {
        const r = await ledger.recentRejects(10)
        return r.some((x) => x.stationId === other.station.id) ? r : undefined
      })
      expect(rejects.find((x) => x.stationId === other.station.id)).toMatchObject({ excerpt: 'not json' })
    } finally {
      await station.endAsync()
    }
  })
})

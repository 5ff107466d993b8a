import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEdge } from '@ejia/edge'
import { type IngestWorkerHandle, PgStorage, startIngestWorker } from '@ejia/hub'
import { stationTopic } from '@ejia/protocol'
import mqtt from 'mqtt'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { freePort } from '../helpers/net.js'
import { tempDatabase } from '../helpers/postgres.js'
import { until } from '../helpers/wait.js'

const log = pino({ level: 'silent' })

/**
 * The aedes cluster mode (docs/SCALING.md): two ingest workers that are aedes nodes on the
 * machine's Redis (mqemitter-redis, aedes-persistence-redis; a database and a prefix of this
 * run's own) and one PostgreSQL ledger, a real kiosk agent on each. Each node ingests what its own kiosks publish, so no event is taken twice.
 */
describe('ingest workers as an aedes cluster on Redis', () => {
  const district = makeDistrict(2)
  // the machine's Redis, a database and a message prefix of this run's own
  const db0 = 1 + Math.floor(Math.random() * 15)
  const redisUrl = `redis://127.0.0.1:6379/${db0}`
  const prefix = `ejia-test-${randomBytes(4).toString('hex')}`
  let db: Awaited<ReturnType<typeof tempDatabase>>
  let ledger: PgStorage
  const nodes: IngestWorkerHandle[] = []
  beforeAll(async () => {
    db = await tempDatabase()
    for (let i = 0; i < 2; i++)
      nodes.push(
        await startIngestWorker({
          registry: district.registry,
          store: db.url,
          broker: { kind: 'cluster', redisUrl, prefix, host: '127.0.0.1', port: await freePort(), lab: true },
          log,
        }),
      )
    ledger = await PgStorage.open(db.url)
  })
  afterAll(async () => {
    for (const n of nodes) await n.stop().catch(() => undefined)
    await ledger?.close()
    await db?.drop()
    execFileSync('redis-cli', ['-u', redisUrl, 'FLUSHDB'])
  })

  it('stores every kiosk’s events once, whichever node it is on, with the sessions in Redis', {
    timeout: 60_000,
  }, async () => {
    const edges = await Promise.all(
      district.configs.map(async (c, i) => {
        const config = structuredClone(c)
        config.hub.mqttUrl = `mqtt://127.0.0.1:${nodes[i]?.mqttPort}`
        config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-kiosk-'))
        config.localApi.port = 0
        config.uplink.reconnectPeriodS = 0.3
        return startEdge(config, { log })
      }),
    )
    try {
      for (const [i, edge] of edges.entries())
        for (let k = 0; k < 20; k++) {
          const res = await fetch(`${edge.localApiUrl}/api/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ type: 'checkin', body: { personId: `p-${i}-${k}`, method: 'card' } }),
          })
          expect(res.status).toBe(201)
        }
      for (const edge of edges)
        await until('the kiosk drained', async () => {
          const s = (await (await fetch(`${edge.localApiUrl}/api/status`)).json()) as {
            connected: boolean
            health: { lastSeq: number; backlog: { depth: number } }
          }
          return s.connected && s.health.lastSeq === 21 && s.health.backlog.depth === 0 ? true : undefined
        })
      for (const c of district.configs)
        expect(await ledger.ledgerSummary(c.station.id)).toEqual({
          stationId: c.station.id,
          events: 21,
          seqMax: 21,
        })
      // had both nodes taken every event, half the commits would have been duplicates
      expect(await ledger.counters()).toMatchObject({ accepted: 42 })
      expect((await ledger.counters()).duplicates ?? 0).toBe(0)

      // the nodes keep the kiosks' sessions and subscriptions in the shared Redis
      const keys = execFileSync('redis-cli', ['-u', redisUrl, '--scan'], { encoding: 'utf8' })
      for (const c of district.configs) expect(keys).toContain(`ejia-edge-${c.station.id}`)
    } finally {
      for (const edge of edges) await edge.stop()
    }
  })

  it('refuses a station’s login on any node with a wrong secret, and a publish outside its topics', async () => {
    const [a, b] = district.configs
    const login = (password: string) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${nodes[1]?.mqttPort}`, {
        clientId: `ejia-edge-${a?.station.id}`,
        username: a?.hub.username ?? '',
        password,
        protocolVersion: 4,
        reconnectPeriod: 0,
      })
    await expect(login('not-the-secret')).rejects.toThrow(/Bad username or password|Not authorized/)
    const client = await login(a?.hub.password ?? '')
    const closed = new Promise<void>((r) => client.once('close', () => r()))
    // MQTT 3.1.1 has no negative PUBACK: the node closes the connection
    client.publish(stationTopic(b?.station.id ?? '', 'events'), 'forged', { qos: 1 })
    await closed
    await client.endAsync(true)
  })
})

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
import { type IngestWorkerHandle, startIngestWorker } from '@ejia/hub'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub, type TestHub } from '../helpers/hub.js'
import { startMosquitto, type TestMosquitto } from '../helpers/mosquitto.js'
import { tempDatabase } from '../helpers/postgres.js'
import { until } from '../helpers/wait.js'

const log = pino({ level: 'silent' })
const account: HubAccount = { username: 'ejia-hub', password: 'scaled-out-hub-password-0123456789' }

/**
 * The whole hub scaled out (docs/SCALING.md): the hub that serves the API on PostgreSQL and
 * the district's Mosquitto, one ingest worker beside it, and a real kiosk that logs in to
 * Mosquitto. What operators rely on must work as on one machine: the station online with its
 * heartbeat, its events in the ledger, a config pushed and applied, a command answered, and
 * the people the hub keeps synced to the kiosk.
 */
describe('the hub on PostgreSQL and an external broker', () => {
  const district = makeDistrict(2)
  const config = structuredClone(district.configs[0]!)
  const stationId = config.station.id
  let broker: TestMosquitto
  let db: Awaited<ReturnType<typeof tempDatabase>>
  let hub: TestHub
  let worker: IngestWorkerHandle
  beforeAll(async () => {
    broker = await startMosquitto({
      settings: MOSQUITTO_EJIA_SETTINGS,
      dynsec: mosquittoDynsec(district.registry, readExistingSecrets(district.dir), account),
    })
    db = await tempDatabase()
    const external = { url: broker.url, username: account.username, password: account.password }
    hub = await startTestHub(district.registry, { store: db.url, externalBroker: external })
    worker = await startIngestWorker({
      registry: district.registry,
      store: db.url,
      broker: { kind: 'external', ...external, clientId: 'ejia-ingest-test' },
      log,
    })
  })
  afterAll(async () => {
    await worker?.stop()
    await hub?.stop()
    await db?.drop()
    await broker?.stop()
  })

  it('sees the kiosk, stores its events once, and reaches it with config, commands and people', {
    timeout: 60_000,
  }, async () => {
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${hub.api}${path}`, {
        method,
        headers: { ...hub.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      return { status: res.status, body: (await res.json()) as Record<string, any> }
    }
    // people first: the kiosk gets them over the broker on its first heartbeat
    const people = [
      { personId: `${stationId}-m001`, stationId, name: '朱涛红', roles: ['member'], cards: ['0013A8F2AB'] },
    ]
    expect((await api('PUT', '/api/people', { people })).status).toBe(200)

    config.hub.mqttUrl = broker.url
    config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-kiosk-'))
    config.localApi.port = 0
    config.uplink.reconnectPeriodS = 0.3
    config.uplink.heartbeatIntervalS = 1
    const edge = await startEdge(config, { log })
    const local = edge.localApiUrl!
    try {
      await until('the station online at the hub', async () => {
        const { body } = await api('GET', `/api/stations/${stationId}`)
        return body.status === 'online' && body.versions ? body : undefined
      })
      await until('the roster on the kiosk', async () => {
        const res = await fetch(`${local}/api/people/${stationId}-m001`)
        return res.status === 200 ? true : undefined
      })
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${local}/api/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'checkin', body: { personId: `${stationId}-m001`, method: 'card' } }),
        })
        expect(res.status).toBe(201)
      }
      const ledger = await until('21 events in the ledger', async () => {
        const { body } = await api('GET', `/api/stations/${stationId}`)
        return body.ledger?.events === 21 ? body.ledger : undefined
      })
      expect(ledger).toEqual({ events: 21, seqMax: 21, missing: 0 })
      const { body: events } = await api('GET', `/api/events?station=${stationId}&type=checkin&limit=100`)
      expect(events.events).toHaveLength(20)

      // a config pushed through the broker, applied and reported back
      const pushed = await api('PUT', '/api/config', {
        target: { station: stationId },
        settings: { uplink: { heartbeatIntervalS: 2 } },
      })
      expect(pushed.status).toBeLessThan(300)
      await until('the config applied', async () => {
        const { body } = await api('GET', `/api/config?station=${stationId}`)
        const row = (body.stations as { stationId: string; state: string | null }[] | undefined)?.find(
          (r) => r.stationId === stationId,
        )
        return row?.state === 'applied' ? row : undefined
      })
      // a command, answered by the kiosk
      const issued = await api('POST', '/api/commands', {
        target: { station: stationId },
        name: 'reupload',
        args: { fromSeq: 1 },
      })
      expect(issued.status).toBe(201)
      const commandId = (issued.body.commands as { commandId: string }[])[0]?.commandId
      const answered = await until('the command answered', async () => {
        const { body } = await api('GET', `/api/commands?station=${stationId}`)
        const c = (body.commands as { commandId: string; state: string; detail: string | null }[]).find(
          (x) => x.commandId === commandId,
        )
        return c && c.state === 'succeeded' ? c : undefined
      })
      expect(answered.detail).toMatch(/queued to send again/)
      // the resent events are duplicates: one row per sequence number (the config's restart
      // journalled one more agent.start)
      await new Promise((r) => setTimeout(r, 1000))
      const after = (await api('GET', `/api/stations/${stationId}`)).body.ledger as typeof ledger
      expect(after.events).toBe(after.seqMax)
      expect(after).toMatchObject({ missing: 0 })
      expect(after.events).toBeGreaterThanOrEqual(22)
    } finally {
      await edge.stop()
    }
  })
})

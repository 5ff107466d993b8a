import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEdge } from '@ejia/edge'
import { backupHub, restoreHub } from '@ejia/hub'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub, type TestHub } from '../helpers/hub.js'
import { freePort } from '../helpers/net.js'
import { until } from '../helpers/wait.js'

const log = pino({ level: 'silent' })
const LEDGER = 'hub.db'

/**
 * A hub restored from a backup lacks what it stored after the backup, and the kiosk was
 * told "stored" for all of it. With a real kiosk in-process, the hub must find that out from
 * the kiosk's heartbeats and get every event back without anybody sending a command.
 */
describe('a hub restored from a backup', () => {
  it('asks its kiosks for the events stored after the backup, and ends with every one once', {
    timeout: 60_000,
  }, async () => {
    const district = makeDistrict(1)
    const config = structuredClone(district.configs[0]!)
    const stationId = config.station.id
    const mqttPort = await freePort()
    config.hub.mqttUrl = `mqtt://127.0.0.1:${mqttPort}`
    config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-kiosk-'))
    config.localApi.port = 0
    config.uplink.reconnectPeriodS = 0.3
    config.uplink.heartbeatIntervalS = 1
    const dataDir = mkdtempSync(join(tmpdir(), 'ejia-hub-'))
    const backupDir = mkdtempSync(join(tmpdir(), 'ejia-backup-'))

    let hub: TestHub = await startTestHub(district.registry, { mqttPort, dataDir })
    const edge = await startEdge(config, { log })
    const local = edge.localApiUrl!
    const record = async (n: number, from: number) => {
      for (let i = from; i < from + n; i++) {
        const res = await fetch(`${local}/api/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'checkin', body: { personId: `p-${i}`, method: 'card' } }),
        })
        expect(res.status).toBe(201)
      }
    }
    const ledger = async (h: TestHub) =>
      (await (await fetch(`${h.api}/api/stations/${stationId}`, { headers: h.auth })).json()) as {
        ledger: { events: number; seqMax: number; missing: number }
        ledgerMissing: number | null
      }
    const drained = async (h: TestHub, events: number) =>
      until(`${events} events in the ledger`, async () => {
        const s = await ledger(h)
        return s.ledger.events === events ? s : undefined
      })

    try {
      await record(20, 1)
      await drained(hub, 21) // agent.start and 20 check-ins
      const manifest = await backupHub({
        ledger: join(dataDir, LEDGER),
        photosDir: join(dataDir, 'photos'),
        backupDir,
        hubVersion: 'test',
        now: Date.now,
      })
      expect(manifest.rows.events).toBe(21)
      await record(15, 21)
      await drained(hub, 36)

      await hub.stop()
      await restoreHub({
        dataDir,
        from: join(backupDir, manifest.file),
        ledgerName: LEDGER,
        photosName: 'photos',
        now: Date.now,
      })
      hub = await startTestHub(district.registry, { mqttPort, dataDir })
      const restored = hub
      // the hub sees the kiosk holds 15 more as stored, and asks for them by itself
      const command = await until('the hub to ask for the lost events', async () => {
        const res = await fetch(`${restored.api}/api/commands?station=${stationId}`, {
          headers: restored.auth,
        })
        const { commands } = (await res.json()) as {
          commands: { name: string; args: { fromSeq: number }; issuedBy: string; state: string }[]
        }
        return commands.find((c) => c.name === 'reupload' && c.state === 'succeeded')
      })
      expect(command).toMatchObject({ args: { fromSeq: 22 }, issuedBy: 'hub:ledger-check' })
      const after = await drained(restored, 36)
      expect(after.ledger).toEqual({ events: 36, seqMax: 36, missing: 0 })
      await until('the gap to close', async () =>
        (await ledger(restored)).ledgerMissing === null ? true : undefined,
      )
      // each sequence number once, new events still flowing
      await record(1, 36)
      await drained(restored, 37)
      const res = await fetch(`${restored.api}/api/events?station=${stationId}&limit=100`, {
        headers: restored.auth,
      })
      const { events } = (await res.json()) as { events: { seq: number }[] }
      expect(events.map((e) => e.seq).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 37 }, (_, i) => i + 1),
      )
    } finally {
      await edge.stop()
      await hub.stop()
    }
  })
})

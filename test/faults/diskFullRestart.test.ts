import { existsSync, mkdtempSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEdge } from '@ejia/edge'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub } from '../helpers/hub.js'
import { until } from '../helpers/wait.js'
import { canMountTmpfs, fillDisk, mountTmpfs, unmountLeftovers } from './diskKiosks.js'
import { CLEAN_LEDGER, checkinBody, checkLedger, faultKioskConfig, printFigures } from './faultKit.js'

const log = pino({ level: 'silent' })
afterAll(unmountLeftovers)

/**
 * The fault suite's full disk, at a restart: a kiosk started again with its data disk full
 * to the last byte. SQLite cannot even open the journal then (no room for `-wal` and
 * `-shm`); the agent gives up its 1 MiB reserve, starts, says so in its heartbeat, records
 * into the freed space, and makes the reserve again at the next start with room.
 */
describe('faults: a kiosk restarted on a full disk', () => {
  it.skipIf(!canMountTmpfs)(
    'starts on its reserve, reports it, records, and loses nothing',
    {
      timeout: 60_000,
    },
    async () => {
      const started = Date.now()
      const district = makeDistrict(1)
      const hubDir = mkdtempSync(join(tmpdir(), 'ejia-fault-restart-hub-'))
      const hub = await startTestHub(district.registry, {
        dataDir: hubDir,
        fleetWatch: { checkEveryMs: 200, faultHoldMs: 0 },
      })
      const disk = mountTmpfs()
      const config = faultKioskConfig(district.configs[0]!, hub.mqttUrl, join(disk.dir, 'kiosk'))
      const reserve = join(config.dataDir, 'disk-reserve')
      const confirmed = new Map<string, number>()
      const record = async (edge: Awaited<ReturnType<typeof startEdge>>, n: number) => {
        for (let i = 0; i < n; i++) {
          const e = await edge.agent.record('checkin', checkinBody(confirmed.size).body)
          confirmed.set(e.id, e.seq)
        }
      }
      let edge = await startEdge(config, { log, localApi: false })
      try {
        await record(edge, 20)
        expect(existsSync(reserve)).toBe(true)
        await edge.stop()
        fillDisk(join(disk.dir, 'ballast'))

        // full to the last byte: without the reserve this start threw and the kiosk stayed down
        edge = await startEdge(config, { log, localApi: false })
        expect(existsSync(reserve)).toBe(false)
        expect((await edge.agent.status()).health.faults).toContainEqual(
          expect.objectContaining({ device: 'diskReserve', code: 'reserveUsed' }),
        )
        await record(edge, 20)
        const alarm = await until('the hub to hear of it', async () => {
          const res = await fetch(`${hub.api}/api/alarms?station=${config.station.id}`, { headers: hub.auth })
          const { alarms } = (await res.json()) as { alarms: { kind: string; subject: string }[] }
          return alarms.find((a) => a.kind === 'deviceFault' && a.subject === 'diskReserve')
        })
        expect(alarm).toBeDefined()

        await edge.stop()
        unlinkSync(join(disk.dir, 'ballast'))
        edge = await startEdge(config, { log, localApi: false })
        expect(existsSync(reserve)).toBe(true)
        expect((await edge.agent.status()).health.faults.map((f) => f.device)).not.toContain('diskReserve')
        await record(edge, 5)
        const drained = await until('the kiosk to drain', async () => {
          const s = await edge.agent.status()
          return s.connected && s.health.backlog.depth === 0 ? s : undefined
        })
        const { figures, examples } = await checkLedger(join(hubDir, 'hub.db'), [
          { stationId: config.station.id, lastSeq: drained.health.lastSeq, confirmed },
        ])
        printFigures('diskFull:restart', { ...figures, confirmed: confirmed.size, ms: Date.now() - started })
        expect(figures, examples.join('\n')).toMatchObject(CLEAN_LEDGER)
        expect(confirmed.size).toBe(45)
      } finally {
        await edge.stop().catch(() => undefined)
        await hub.stop()
        disk.unmount()
      }
    },
  )
})

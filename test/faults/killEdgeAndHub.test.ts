import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabaseReadOnly } from '@ejia/platform'
import { describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { kill9, type Proc, runBin } from '../helpers/processes.js'
import { until } from '../helpers/wait.js'
import {
  between,
  CLEAN_LEDGER,
  checkLedger,
  faultKioskConfig,
  faultRandom,
  faultRuns,
  printFigures,
  sleep,
  writeKioskConfig,
} from './faultKit.js'
import { burst, kioskStatus, loadKiosk, newTally } from './kioskLoad.js'

const RUNS = faultRuns(6)

/**
 * Scenario 1 of the fault suite (docs/RELIABILITY.md, "Faults"), with real processes: the
 * kiosk agent (`ejia-edge`, events POSTed to its local API by four busy clients) is killed
 * with SIGKILL at seeded random moments while it journals and sends; in some rounds the hub
 * (`ejia-hub`, and the broker embedded in it) is killed too, and at the end the hub stops
 * cleanly and starts again, its broker with it. Every event the kiosk said it recorded must
 * be in the ledger under its seq, and the ledger must hold 1..N with nothing twice.
 */
describe('faults: kill -9 of the kiosk agent and of the hub', () => {
  it(`loses nothing through ${RUNS} kiosk kills, hub kills and a broker restart`, {
    timeout: 60_000 + RUNS * 6000,
  }, async () => {
    expect(existsSync(new URL('../../edge/dist/cli.js', import.meta.url)), 'run `npx tsc -b` first').toBe(
      true,
    )
    const started = Date.now()
    const rand = faultRandom('killEdgeAndHub')
    const district = makeDistrict(1)
    const stationId = district.configs[0]!.station.id
    const dir = mkdtempSync(join(tmpdir(), 'ejia-fault-kill-'))
    const hubData = join(dir, 'hub')
    const hubArgs = (mqttPort: number, httpPort: number) => [
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
    ]
    let hub: Proc = runBin('hub', 'ejia-hub', hubArgs(0, 0))
    const ports = (await hub.firstJson) as { mqttPort: number; httpPort: number }
    const startHubAgain = async () => {
      hub = runBin('hub', 'ejia-hub', hubArgs(ports.mqttPort, ports.httpPort))
      await hub.firstJson
    }
    const config = faultKioskConfig(
      district.configs[0]!,
      `mqtt://127.0.0.1:${ports.mqttPort}`,
      join(dir, 'kiosk'),
    )
    const configFile = writeKioskConfig(dir, config)
    const tally = newTally()
    const procs: Proc[] = []
    let hubKills = 0

    try {
      for (let run = 0; run < RUNS; run++) {
        const edge = runBin('edge', 'ejia-edge', ['--config', configFile])
        procs.push(edge)
        const { localApi } = (await edge.firstJson) as { localApi: string }
        const load = loadKiosk(localApi, 4, tally)
        const killAt = between(rand, 100, 1200)
        // in about a third of the rounds (and always the second) the hub dies during it too
        const hubKillAt = run === 1 || rand() < 0.33 ? between(rand, 0, killAt) : undefined
        const hubDown =
          hubKillAt === undefined
            ? Promise.resolve()
            : sleep(hubKillAt).then(async () => {
                await kill9(hub)
                hubKills++
                await sleep(between(rand, 100, 800))
                await startHubAgain()
              })
        await sleep(killAt)
        await kill9(edge)
        await load.stop()
        await hubDown
      }
      const edgeKills = RUNS

      // the broker restart: the hub stopped cleanly and started again, its embedded broker with it
      hub.child.kill('SIGTERM')
      expect(await hub.exited).toBe(0)
      await startHubAgain()

      const edge = runBin('edge', 'ejia-edge', ['--config', configFile])
      procs.push(edge)
      const { localApi } = (await edge.firstJson) as { localApi: string }
      await burst(localApi, 20, tally)
      const drained = await until(
        'the kiosk to drain its journal',
        async () => {
          const s = await kioskStatus(localApi)
          return s.connected && s.health.backlog.depth === 0 ? s : undefined
        },
        30_000,
        100,
      )
      edge.child.kill('SIGTERM')
      expect(await edge.exited).toBe(0)

      const ledgerFile = join(hubData, 'hub.db')
      const { figures, examples } = await checkLedger(ledgerFile, [
        {
          stationId,
          lastSeq: drained.health.lastSeq,
          confirmed: tally.confirmed,
          journalFile: join(config.dataDir, 'journal.db'),
        },
      ])
      printFigures('killEdgeAndHub', {
        runs: RUNS,
        kills: edgeKills + hubKills,
        edgeKills,
        hubKills,
        brokerRestarts: hubKills + 1,
        events: figures.events,
        confirmed: tally.confirmed.size,
        inDoubt: tally.inDoubt,
        gaps: figures.gaps,
        duplicates: figures.duplicates,
        lost: figures.lost,
        ms: Date.now() - started,
      })
      expect(figures, examples.join('\n')).toEqual({
        stations: 1,
        events: drained.health.lastSeq,
        ...CLEAN_LEDGER,
      })
      expect(tally.confirmed.size).toBeGreaterThan(RUNS * 10)
      expect(hubKills).toBeGreaterThan(0)

      // every start after a kill says so in the ledger, as the hub's operators read it
      const ledger = await openDatabaseReadOnly(ledgerFile)
      const starts = await ledger.all<{ shutdown: string }[]>(
        "SELECT body ->> '$.previousShutdown' AS shutdown FROM events WHERE station_id = ? AND type = 'agent.start' ORDER BY seq",
        stationId,
      )
      await ledger.close()
      expect(starts.map((s) => s.shutdown)).toEqual(['first', ...Array(edgeKills).fill('unclean')])
    } finally {
      for (const p of procs) await kill9(p)
      hub.child.kill('SIGTERM')
      await hub.exited
    }
  })
})

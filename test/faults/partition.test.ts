import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type EdgeHandle, startEdge } from '@ejia/edge'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub } from '../helpers/hub.js'
import { until } from '../helpers/wait.js'
import {
  between,
  CLEAN_LEDGER,
  checkinBody,
  checkLedger,
  faultKioskConfig,
  faultRandom,
  faultRuns,
  printFigures,
  sleep,
} from './faultKit.js'
import { TcpFaultProxy } from './tcpProxy.js'

const log = pino({ level: 'silent' })
const KIOSKS = 3
const ROUNDS = faultRuns(2)

/**
 * Scenario 2 of the fault suite (docs/RELIABILITY.md, "Faults"): three kiosks reach the
 * hub through a TCP proxy that misbehaves, while each journals a check-in every few ms.
 * Each round: a slow link (latency with jitter), a partition (every connection reset, new
 * ones refused; the kiosks journal offline), a flapping link (cut and refused at seeded
 * intervals), and a stall longer than the kiosks' ack timeout (batches sent again, the hub
 * answers duplicate). Then the link heals and every kiosk drains.
 */
describe('faults: network partitions and a slow, flapping link', () => {
  it(`loses nothing through ${ROUNDS} rounds of latency, partition, flapping and stall`, {
    timeout: 40_000 + ROUNDS * 15_000,
  }, async () => {
    const started = Date.now()
    const rand = faultRandom('partition')
    const district = makeDistrict(KIOSKS)
    const hubDir = mkdtempSync(join(tmpdir(), 'ejia-fault-partition-'))
    const hub = await startTestHub(district.registry, { dataDir: hubDir })
    const proxy = await TcpFaultProxy.start({ host: '127.0.0.1', port: hub.mqttPort }, rand)
    const edges: EdgeHandle[] = []
    const dataDirs: string[] = []
    try {
      for (const c of district.configs) {
        const dataDir = mkdtempSync(join(tmpdir(), 'ejia-fault-kiosk-'))
        dataDirs.push(dataDir)
        edges.push(await startEdge(faultKioskConfig(c, proxy.url, dataDir), { log, localApi: false }))
      }
      const confirmed = edges.map(() => new Map<string, number>())
      let writing = true
      const writers = edges.map(async (edge, i) => {
        for (let n = 0; writing; n++) {
          const e = await edge.agent.record('checkin', checkinBody(n).body)
          confirmed[i]?.set(e.id, e.seq)
          await sleep(between(rand, 5, 40))
        }
      })
      const offline = async () =>
        (await Promise.all(edges.map((e) => e.agent.status()))).every((s) => !s.connected)
      const online = async () =>
        (await Promise.all(edges.map((e) => e.agent.status()))).every((s) => s.connected)
      const tally = { latencyPhases: 0, partitions: 0, flaps: 0, stalls: 0, offlineSeen: 0 }

      await until('the kiosks to connect through the proxy', async () =>
        (await online()) ? true : undefined,
      )
      for (let round = 0; round < ROUNDS; round++) {
        proxy.latency(between(rand, 80, 300), 120)
        tally.latencyPhases++
        await sleep(between(rand, 800, 1500))
        proxy.latency(0)

        proxy.partition()
        tally.partitions++
        await sleep(between(rand, 1000, 2000))
        if (await offline()) tally.offlineSeen++
        proxy.refuse(false)
        await until('the kiosks to reconnect', async () => ((await online()) ? true : undefined), 10_000)

        proxy.flap(350, 250, () => tally.flaps++)
        await sleep(between(rand, 2000, 3000))
        proxy.stopFlapping()

        // longer than ackTimeoutS (2 s), well short of the 30 s MQTT keepalive
        await until('the kiosks to reconnect', async () => ((await online()) ? true : undefined), 10_000)
        proxy.stall(true)
        tally.stalls++
        await sleep(between(rand, 2500, 3000))
        proxy.stall(false)
      }
      writing = false
      await Promise.all(writers)
      proxy.heal()

      const drained = await until(
        'every kiosk to drain',
        async () => {
          const all = await Promise.all(edges.map((e) => e.agent.status()))
          return all.every((s) => s.connected && s.health.backlog.depth === 0) ? all : undefined
        },
        30_000,
        100,
      )
      const { figures, examples } = await checkLedger(
        join(hubDir, 'hub.db'),
        drained.map((s, i) => ({
          stationId: s.stationId,
          lastSeq: s.health.lastSeq,
          confirmed: confirmed[i] as Map<string, number>,
          journalFile: join(dataDirs[i] as string, 'journal.db'),
        })),
      )
      const ingest = (await (await fetch(`${hub.api}/api/stats/ingest`, { headers: hub.auth })).json()) as {
        accepted: number
        duplicates: number
      }
      const ackTimeouts = drained.reduce((n, s) => n + s.outbox.ackTimeouts, 0)
      printFigures('partition', {
        runs: ROUNDS,
        kiosks: KIOSKS,
        ...tally,
        connectionsCut: proxy.stats.cut,
        connectionsRefused: proxy.stats.refused,
        ackTimeouts,
        hubDuplicates: ingest.duplicates,
        events: figures.events,
        gaps: figures.gaps,
        duplicates: figures.duplicates,
        lost: figures.lost,
        ms: Date.now() - started,
      })
      expect(figures, examples.join('\n')).toMatchObject({
        events: drained.reduce((n, s) => n + s.health.lastSeq, 0),
        ...CLEAN_LEDGER,
      })
      expect(ingest.accepted).toBe(figures.events)
      // the faults happened: kiosks went offline, links were cut and refused, batches resent
      expect(tally.offlineSeen).toBe(ROUNDS)
      expect(proxy.stats.cut).toBeGreaterThanOrEqual(ROUNDS * KIOSKS)
      expect(proxy.stats.refused).toBeGreaterThan(0)
      expect(ackTimeouts).toBeGreaterThan(0)
      expect(ingest.duplicates).toBeGreaterThan(0)
    } finally {
      for (const e of edges) await e.stop()
      await proxy.close()
      await hub.stop()
    }
  })
})

/**
 * Broker: the hub's embedded broker (aedes) against the Mosquitto on this machine, same load,
 * same run. The brokers themselves, not ingest: `n` publishers each on its station's events
 * topic, QoS 1, kiosk-sized event batches, and one subscriber on `ejia/v1/station/+/events`
 * at QoS 1, as the hub subscribes (bench/lib/brokerLoad.ts). Two phases:
 *
 * - `saturated`: each publisher keeps one batch in flight end to end (as a kiosk keeps a
 *   batch in flight until its ack): the messages a second delivered, and their latency;
 * - `atRate`: a fixed 1,000 messages a second from the publishers in turn, under either
 *   broker's limit: publish-to-delivery latency when neither is saturated.
 *
 * Both brokers run at once, each in a process of its own, and each phase is measured in
 * slices that alternate between them (M A, A M, M A), so a drift of the shared machine hits
 * both alike. Mosquitto comes from bench/lib/mosquitto.ts (the machine's binary, its default
 * settings, anonymous, an ephemeral port); aedes is bare, on a net server
 * (bench/lib/aedesServer.ts: the hub's aedes and connectTimeout, without its login and ACL
 * hooks, which createEmbeddedBroker needs the hub's StationAuth for). Broker CPU per 1,000
 * messages delivered does not depend on how fast the load could go; CPU and memory come from
 * /proc. Twice: clients with TCP_NODELAY (the brokers), and with node's default sockets, as
 * mqtt.js runs in the kiosks and in the hub's ingest workers. Reported as aedes / mosquitto.
 * Run: npm run bench -- broker [100,1000]. Needs `npm run build` and /usr/sbin/mosquitto.
 */
import { startAedes } from './lib/aedes.js'
import { BrokerLoad, type PhaseResult, type PhaseSample, summarize } from './lib/brokerLoad.js'
import { cpuSecondsOf } from './lib/cpu.js'
import { MOSQUITTO, startMosquitto } from './lib/mosquitto.js'
import { childPidNamed, machineBusySeconds, resetPeakMemory } from './lib/processUsage.js'
import { memoryOf } from './lib/procs.js'
import { machine, round } from './lib/stats.js'

const loads = (process.argv[2] ?? '100,1000').split(',').map(Number)
const SLICE_S = Number(process.env.EJIA_BENCH_SLICE_S ?? 3)
const ROUNDS = 3
const RATE_PER_S = 1000
/** 16 check-ins: about 3 KB, a kiosk's batch after a short outage (batchMaxEvents is 100). */
const EVENTS_PER_BATCH = 16
const MiB = 1024 * 1024

type Name = 'mosquitto' | 'aedes'
type Phase = 'saturated' | 'atRate'

interface RunningBroker {
  url: string
  pid: number
  stop(): Promise<void>
}

const start: Record<Name, () => Promise<RunningBroker>> = {
  async mosquitto() {
    const m = await startMosquitto()
    return { url: m.url, pid: childPidNamed('mosquitto'), stop: () => m.stop() }
  },
  aedes: startAedes,
}

interface PhaseTotals {
  samples: PhaseSample[]
  brokerCpuS: number
  /** Over the whole slices, drains included: the machine's busy time, and this process's and the broker's part of it. */
  machineBusyS: number
  ownCpuS: number
  wallS: number
}

type MeasuredPhase = PhaseResult & {
  brokerCpuCores: number
  brokerCpuMsPer1kMsgs: number
  /** CPU the rest of the machine used meanwhile (other processes: the machine is shared). */
  otherCpuCores: number
}

interface BrokerResult {
  saturated: MeasuredPhase
  atRate: MeasuredPhase
  brokerRssMiB: number
  brokerPeakRssMiB: number
}

async function compare(publishers: number, noDelay: boolean) {
  const brokers = { mosquitto: await start.mosquitto(), aedes: await start.aedes() }
  try {
    const load = {
      mosquitto: await BrokerLoad.connect(brokers.mosquitto.url, publishers, EVENTS_PER_BATCH, { noDelay }),
      aedes: await BrokerLoad.connect(brokers.aedes.url, publishers, EVENTS_PER_BATCH, { noDelay }),
    }
    try {
      const names = ['mosquitto', 'aedes'] as const
      for (const name of names) await load[name].saturate(1) // warm-up: JIT, buffers
      for (const name of names) resetPeakMemory(brokers[name].pid)
      const totals = Object.fromEntries(
        names.map((n) => [
          n,
          {
            saturated: { samples: [], brokerCpuS: 0, machineBusyS: 0, ownCpuS: 0, wallS: 0 },
            atRate: { samples: [], brokerCpuS: 0, machineBusyS: 0, ownCpuS: 0, wallS: 0 },
          },
        ]),
      ) as unknown as Record<Name, Record<Phase, PhaseTotals>>
      const slice = async (name: Name, phase: Phase) => {
        const t = totals[name][phase]
        const cpu0 = cpuSecondsOf(brokers[name].pid)
        const busy0 = machineBusySeconds()
        const own0 = process.cpuUsage()
        const wall0 = performance.now()
        t.samples.push(
          await (phase === 'saturated'
            ? load[name].saturate(SLICE_S)
            : load[name].atRate(RATE_PER_S, SLICE_S)),
        )
        const broker = cpuSecondsOf(brokers[name].pid) - cpu0
        const own = process.cpuUsage(own0)
        t.brokerCpuS += broker
        t.machineBusyS += machineBusySeconds() - busy0
        t.ownCpuS += (own.user + own.system) / 1e6
        t.wallS += (performance.now() - wall0) / 1000
      }
      for (const phase of ['saturated', 'atRate'] as const) {
        for (let r = 0; r < ROUNDS; r++) {
          for (const name of r % 2 === 0 ? names : ([...names].reverse() as Name[])) await slice(name, phase)
        }
      }
      const result = (name: Name): BrokerResult => {
        const measured = (phase: Phase): MeasuredPhase => {
          const t = totals[name][phase]
          const r = summarize(t.samples)
          return {
            ...r,
            brokerCpuCores: round(t.brokerCpuS / r.seconds, 2),
            brokerCpuMsPer1kMsgs: round((t.brokerCpuS * 1e6) / Math.max(1, r.delivered), 1),
            otherCpuCores: round(Math.max(0, t.machineBusyS - t.brokerCpuS - t.ownCpuS) / t.wallS, 2),
          }
        }
        const mem = memoryOf(brokers[name].pid)
        return {
          saturated: measured('saturated'),
          atRate: measured('atRate'),
          brokerRssMiB: round(mem.rss / MiB, 1),
          brokerPeakRssMiB: round(mem.peak / MiB, 1),
        }
      }
      const mosquitto = result('mosquitto')
      const aedes = result('aedes')
      const ratio = (a: number, m: number) => round(a / m, 2)
      return {
        payloadBytes: load.aedes.payloadBytes,
        mosquitto,
        aedes,
        ratioAedesToMosquitto: {
          saturatedDeliveredPerS: ratio(aedes.saturated.deliveredPerS, mosquitto.saturated.deliveredPerS),
          saturatedP50Ms: ratio(aedes.saturated.p50Ms, mosquitto.saturated.p50Ms),
          saturatedP99Ms: ratio(aedes.saturated.p99Ms, mosquitto.saturated.p99Ms),
          atRateP50Ms: ratio(aedes.atRate.p50Ms, mosquitto.atRate.p50Ms),
          atRateP99Ms: ratio(aedes.atRate.p99Ms, mosquitto.atRate.p99Ms),
          saturatedCpuMsPer1kMsgs: ratio(
            aedes.saturated.brokerCpuMsPer1kMsgs,
            mosquitto.saturated.brokerCpuMsPer1kMsgs,
          ),
          atRateCpuMsPer1kMsgs: ratio(
            aedes.atRate.brokerCpuMsPer1kMsgs,
            mosquitto.atRate.brokerCpuMsPer1kMsgs,
          ),
          peakRss: ratio(aedes.brokerPeakRssMiB, mosquitto.brokerPeakRssMiB),
        },
      }
    } finally {
      await Promise.all([load.mosquitto.close(), load.aedes.close()])
    }
  } finally {
    await Promise.all([brokers.mosquitto.stop(), brokers.aedes.stop()])
  }
}

const results: Record<string, unknown> = {}
for (const n of loads) {
  results[String(n)] = {
    noDelayClients: await compare(n, true),
    nagleClients: await compare(n, false),
  }
}
console.log(
  JSON.stringify(
    {
      bench: 'broker',
      machine: await machine(),
      brokers: {
        mosquitto: `${MOSQUITTO} (the machine's binary), own instance, default settings, anonymous, ephemeral port`,
        aedes:
          'bare Aedes.createBroker({ connectTimeout: 10_000 }) on a net server in its own node process (bench/lib/aedesServer.ts); not createEmbeddedBroker: no StationAuth login or ACL hooks',
      },
      load: {
        subscriber: 'one client, ejia/v1/station/+/events, QoS 1',
        publishQos: 1,
        eventsPerBatch: EVENTS_PER_BATCH,
        slices: `${ROUNDS} slices of ${SLICE_S} s per broker and phase, alternating between the brokers`,
        atRatePerS: RATE_PER_S,
        loadProcess: 'publishers and subscriber of both brokers share this node process (mqtt.js)',
        noDelayClients: 'the clients set TCP_NODELAY: what is measured is the brokers',
        nagleClients:
          "node's default sockets (Nagle on), as mqtt.js leaves them in the kiosks and the hub's ingest workers",
      },
      results,
    },
    null,
    2,
  ),
)

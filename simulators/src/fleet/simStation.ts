import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { type EdgeHandle, type OutboxStats, startEdge } from '@ejia/edge'
import type { StationConfig } from '@ejia/firmware-config'
import type { Logger } from 'pino'
import { type Draft, dayScript } from './dayScript.js'
import { exponentialDelayS, seededRandom, seedOf } from './random.js'

export interface SimStationOptions {
  config: StationConfig
  eventsPerStation: number
  ratePerSecond: number
  log: Logger
  signal: AbortSignal
}

/**
 * One simulated kiosk: the real edge agent core (journal, outbox, uplink, heartbeat) fed
 * by the station's day script instead of a touch screen and readers. It journals events
 * until its journal holds `eventsPerStation` of them, resuming after a restart.
 */
export class SimStation {
  private edge: EdgeHandle | undefined
  private startSeq = 0
  generated = 0

  constructor(private readonly opts: SimStationOptions) {}

  get id(): string {
    return this.opts.config.station.id
  }

  async start(): Promise<void> {
    this.edge = await startEdge(this.opts.config, { log: this.opts.log, localApi: false, recordStart: false })
    this.startSeq = (await this.edge.agent.status()).health.lastSeq
  }

  /** Journals the rest of this station's events at the configured rate. */
  async generate(): Promise<void> {
    const agent = this.requireEdge().agent
    const rand = seededRandom(seedOf(`${this.id}:arrivals:${this.startSeq}`))
    const script = dayScript(this.id)
    for (let i = 0; i < this.startSeq; i++) script.next() // already journalled before a restart
    while (this.startSeq + this.generated < this.opts.eventsPerStation && !this.opts.signal.aborted) {
      await sleep(exponentialDelayS(rand, this.opts.ratePerSecond) * 1000, this.opts.signal)
      if (this.opts.signal.aborted) break
      const draft = script.next().value as Draft
      await agent.record(draft.type, draft.body)
      this.generated++
    }
  }

  /** True once every event this station must produce is journalled and acknowledged. */
  async settled(): Promise<boolean> {
    const status = await this.requireEdge().agent.status()
    return status.health.lastSeq >= this.opts.eventsPerStation && status.health.backlog.depth === 0
  }

  async stats(): Promise<OutboxStats> {
    return (await this.requireEdge().agent.status()).outbox
  }

  async stop(): Promise<void> {
    await this.edge?.stop()
  }

  private requireEdge(): EdgeHandle {
    if (!this.edge) throw new Error(`station ${this.id} is not started`)
    return this.edge
  }
}

export function stationDataDir(root: string, stationId: string): string {
  return join(root, stationId)
}

/** Waits, or stops waiting when the fleet is told to stop. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined)
}

import { type Heartbeat, PROTOCOL_VERSION } from '@ejia/protocol'
import type { Logger } from 'pino'
import type { Clock, TimerHandle } from '../ports/clock.js'
import type { DiskSpace } from '../ports/diskSpace.js'
import type { Journal } from '../ports/journal.js'
import type { Uplink } from '../ports/uplink.js'
import type { FaultBoard } from './faults.js'

export interface Versions {
  agent: string
  config: string
  models?: string
}

/** Builds the health report the hub, and the local UI, read. */
export async function buildHeartbeat(deps: {
  journal: Journal
  clock: Clock
  faults: FaultBoard
  versions: Versions
  /** The hub roster version held, when the kiosk syncs its roster from the hub. */
  rosterVersion?: () => number
  bootedAt: number
  intervalMs: number
  /** Free space of the data directory; undefined when it cannot be read (the hub then sees none). */
  diskSpace?: () => Promise<DiskSpace | undefined>
}): Promise<Heartbeat> {
  const now = deps.clock.now()
  // lastSeq before the backlog: an event journalled between the two reads then shows as
  // backlog, never as one the hub should already hold (hub fleet/ledgerCheck.ts)
  const lastSeq = await deps.journal.lastSeq()
  const [backlog, disk] = await Promise.all([deps.journal.backlog(), deps.diskSpace?.()])
  const oldest = backlog.oldestUnsentRecordedAt
  return {
    time: new Date(now).toISOString(),
    bootedAt: new Date(deps.bootedAt).toISOString(),
    intervalS: deps.intervalMs / 1000,
    lastSeq,
    backlog: {
      depth: backlog.depth,
      oldestUnsentAt: backlog.oldestUnsentAt,
      oldestUnsentAgeS: oldest === null ? null : Math.max(0, (now - oldest) / 1000),
      deadLetters: backlog.deadLetters,
    },
    versions: {
      ...deps.versions,
      protocol: PROTOCOL_VERSION,
      ...(deps.rosterVersion ? { roster: String(deps.rosterVersion()) } : {}),
    },
    faults: deps.faults.list(),
    ...(disk ? { disk } : {}),
  }
}

/** Sends a heartbeat on connect and every interval while connected. */
export class HeartbeatSender {
  private timer: TimerHandle | undefined

  constructor(
    private readonly deps: Parameters<typeof buildHeartbeat>[0] & { uplink: Uplink; log: Logger },
  ) {}

  onConnect(): void {
    this.stop()
    void this.send()
    this.timer = this.deps.clock.setInterval(() => void this.send(), this.deps.intervalMs)
  }

  /** An extra heartbeat now, when something the hub waits on has changed. */
  sendNow(): void {
    if (this.timer) void this.send()
  }

  stop(): void {
    if (this.timer) this.deps.clock.clear(this.timer)
    this.timer = undefined
  }

  private async send(): Promise<void> {
    try {
      await this.deps.uplink.publishHeartbeat(await buildHeartbeat(this.deps))
    } catch (err) {
      this.deps.log.debug({ err }, 'heartbeat not sent')
    }
  }
}

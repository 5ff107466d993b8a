import { CodedError } from '@ejia/platform'
import type { Command, CommitAck, ConfigPush, Heartbeat } from '@ejia/protocol'
import type { Logger } from 'pino'
import type { Clock, TimerHandle } from '../ports/clock.js'
import type { DiskSpace } from '../ports/diskSpace.js'
import type { Journal } from '../ports/journal.js'
import type { RosterReplica } from '../ports/roster.js'
import type { Uplink } from '../ports/uplink.js'

/** What the remote control (app/remoteControl.ts) hears from the agent's uplink. */
export interface ControlHandlers {
  /** Connected: the uplink to answer on until the next `onDisconnect`. */
  onConnect(link: Pick<Uplink, 'publishConfigState' | 'publishCommandResult'>): void
  onDisconnect(): void
  onConfig(push: ConfigPush): void
  onCommand(command: Command): void
}

export class AgentError extends CodedError<'noReplica' | 'rosterTimeout'> {}

/** How long a resync waits for the hub's full roster. */
const RESYNC_TIMEOUT_MS = 120_000

import { FaultBoard } from './faults.js'
import { buildHeartbeat, HeartbeatSender, type Versions } from './heartbeat.js'
import { type DiskReserveLike, JournalBound, type JournalBoundOptions } from './journalBound.js'
import { type OutboxStats, OutboxSync, type OutboxSyncOptions } from './outboxSync.js'
import { createRecordEvent, type RecordEvent } from './recordEvent.js'

export interface AgentOptions extends OutboxSyncOptions {
  heartbeatIntervalMs: number
  /** Acknowledged events older than this are pruned from the journal. */
  retentionMs: number
  /** The journal's disk bound and the free-space floor (config `journal`); none when left out. */
  journalBound?: JournalBoundOptions
  versions: Versions
  /** Journal an `agent.start` event (default true); fleets with fixed event counts turn it off. */
  recordStart?: boolean
}

export interface AgentStatus {
  stationId: string
  connected: boolean
  health: Heartbeat
  outbox: OutboxStats
}

export interface Agent {
  record: RecordEvent
  /** What is wrong right now, by device; heartbeats carry it to the hub. */
  faults: FaultBoard
  status(): Promise<AgentStatus>
  /**
   * Sends the journalled events from `fromSeq` on again (Journal.requeue); resolves with
   * how many were queued and the sequence number sending starts at.
   */
  reupload(fromSeq: number, opts?: { skipPruned?: boolean }): Promise<{ requeued: number; fromSeq: number }>
  /** Drops the roster version held and waits for the hub's full roster. */
  resyncRoster(): Promise<{ version: number; people: number }>
  /** Stops sending, announces the shutdown and closes the journal cleanly. */
  stop(): Promise<void>
}

const PRUNE_EVERY_MS = 6 * 3600_000
/** Often enough to warn of a disk filling with photos well before it is full. */
const BOUND_CHECK_EVERY_MS = 5 * 60_000

/**
 * The kiosk agent core: journal, outbox, heartbeat and the uplink, wired together. Inputs
 * (UI, devices, simulators) call `record`; everything else follows from the journal.
 */
export async function startAgent(
  deps: {
    journal: Journal
    uplink: Uplink
    clock: Clock
    log: Logger
    faults?: FaultBoard
    /** The hub-synced roster, when this kiosk syncs one (not on a roster file). */
    roster?: RosterReplica
    /** Free space of the data directory, reported in each heartbeat. */
    diskSpace?: () => Promise<DiskSpace | undefined>
    /** Space kept in reserve on the data disk, made again once there is room (files/diskReserve.ts). */
    reserve?: DiskReserveLike
    /** Remote config and commands from the hub, when something handles them. */
    control?: ControlHandlers
  },
  opts: AgentOptions,
): Promise<Agent> {
  const { journal, uplink, clock, log } = deps
  const bootedAt = clock.now()
  const faults = deps.faults ?? new FaultBoard(clock)
  const outbox = new OutboxSync({ journal, uplink, clock, log: log.child({ name: 'edge:outbox' }) }, opts)
  const healthDeps = {
    journal,
    clock,
    faults,
    versions: opts.versions,
    ...(deps.roster ? { rosterVersion: () => deps.roster?.syncedVersion ?? 0 } : {}),
    bootedAt,
    intervalMs: opts.heartbeatIntervalMs,
    ...(deps.diskSpace ? { diskSpace: deps.diskSpace } : {}),
  }
  const heartbeat = new HeartbeatSender({ ...healthDeps, uplink, log })
  const record = createRecordEvent({ journal, clock, faults, onRecorded: () => outbox.kick() })
  const fullRosterWaiters = new Set<(got: { version: number; people: number }) => void>()

  const previousShutdown = journal.previousRunUnclean
    ? 'unclean'
    : (await journal.lastSeq()) === 0
      ? 'first'
      : 'clean'
  if (previousShutdown === 'unclean') log.warn('previous run ended without a clean shutdown; journal intact')
  if (opts.recordStart ?? true) {
    await record('agent.start', {
      agentVersion: opts.versions.agent,
      configVersion: opts.versions.config,
      previousShutdown,
    })
  }

  uplink.start({
    onConnect: () => {
      outbox.onConnect()
      heartbeat.onConnect()
      deps.control?.onConnect(uplink)
    },
    onDisconnect: (reason) => {
      outbox.onDisconnect()
      heartbeat.stop()
      deps.control?.onDisconnect()
      log.info({ reason }, 'disconnected from hub; recording continues offline')
    },
    onAck: (ack: CommitAck) => {
      outbox.onAck(ack).catch((err: unknown) => log.error({ err }, 'applying commit ack failed'))
    },
    onFault: (fault) => (fault ? faults.set('uplink', fault.code, fault.message) : faults.clear('uplink')),
    onRoster: (update) => {
      const roster = deps.roster
      if (!roster) return
      roster.receive(update).then(
        (result) => {
          if (result === 'applied') {
            faults.clear('roster')
            log.info({ version: update.version, people: roster.size }, 'roster updated from the hub')
            // the next heartbeat tells the hub it arrived, so it stops resending
            heartbeat.sendNow()
            if (update.full)
              for (const w of fullRosterWaiters) w({ version: update.version, people: roster.size })
          }
        },
        (err: unknown) => {
          faults.set('roster', (err as { code?: string }).code ?? 'rosterInvalid', (err as Error).message)
          log.error({ err }, 'roster update refused; the previous roster stays in force')
        },
      )
    },
    onConfig: (push) => deps.control?.onConfig(push),
    onCommand: (command) => deps.control?.onCommand(command),
  })

  const prune = async () => {
    const removed = await journal.prune(clock.now() - opts.retentionMs).catch((err: unknown) => {
      log.warn({ err }, 'journal prune failed')
      return 0
    })
    if (removed > 0) log.info({ removed }, 'pruned acknowledged events past retention')
  }
  const pruneTimer: TimerHandle = clock.setInterval(() => void prune(), PRUNE_EVERY_MS)
  const bound =
    opts.journalBound &&
    new JournalBound(
      {
        journal,
        faults,
        clock,
        log: log.child({ name: 'edge:journal' }),
        ...(deps.diskSpace ? { diskSpace: deps.diskSpace } : {}),
        ...(deps.reserve ? { reserve: deps.reserve } : {}),
      },
      opts.journalBound,
    )
  let checking: Promise<unknown> = Promise.resolve()
  const checkBound = () => {
    if (bound)
      checking = checking.then(() =>
        bound.check().catch((err: unknown) => log.warn({ err }, 'journal bound check failed')),
      )
  }
  checkBound()
  const boundTimer: TimerHandle | undefined = bound
    ? clock.setInterval(checkBound, BOUND_CHECK_EVERY_MS)
    : undefined

  return {
    record,
    faults,
    async status() {
      return {
        stationId: journal.stationId,
        connected: uplink.connected,
        health: await buildHeartbeat(healthDeps),
        outbox: outbox.stats(),
      }
    },
    async reupload(asked, opts) {
      const queued = await journal.requeue(asked, opts)
      log.info({ asked, ...queued }, 'events queued to send again')
      outbox.resendAll()
      return queued
    },
    async resyncRoster() {
      const roster = deps.roster
      if (!roster)
        throw new AgentError('noReplica', 'this kiosk reads its roster from a file, not from the hub')
      await roster.forget()
      const got = new Promise<{ version: number; people: number }>((resolve, reject) => {
        const done = (v: { version: number; people: number }) => {
          clock.clear(timer)
          fullRosterWaiters.delete(done)
          resolve(v)
        }
        const timer = clock.setTimeout(() => {
          fullRosterWaiters.delete(done)
          reject(
            new AgentError(
              'rosterTimeout',
              `no full roster from the hub within ${RESYNC_TIMEOUT_MS / 1000} s`,
            ),
          )
        }, RESYNC_TIMEOUT_MS)
        fullRosterWaiters.add(done)
      })
      // the heartbeat now reports version 0, which the hub answers with a full roster
      heartbeat.sendNow()
      return got
    },
    async stop() {
      clock.clear(pruneTimer)
      if (boundTimer) clock.clear(boundTimer)
      await checking
      heartbeat.stop()
      outbox.stop()
      await uplink.close()
      await journal.close()
    },
  }
}

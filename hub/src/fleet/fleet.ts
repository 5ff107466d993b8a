import { codecs, formatWireError, type Heartbeat, parseStationTopic, type Status } from '@ejia/protocol'
import type { Logger } from 'pino'
import { stationStatus } from '../domain/stationStatus.js'
import type { Counters } from '../ingest/counters.js'
import { reject } from '../ingest/rejects.js'
import type { RejectRecord, StationRecord, StationState, Storage, TownRecord } from '../storage/storage.js'
import type { StationView } from './stationView.js'

const FLUSH_EVERY_MS = 2000
/** How often the fleet looks for stations whose status changed with time alone (heartbeatTimeout). */
const SWEEP_EVERY_MS = 1000

/** Told the id of a station whose view changed, after the change; see Fleet.onChange. */
export type FleetListener = (stationId: string) => void

/**
 * Live state of every station, from its retained status, heartbeats and traffic. Kept in
 * memory for the API and saved to storage every couple of seconds, so a restarted hub
 * starts from what it last knew.
 */
export class Fleet {
  private readonly states = new Map<string, StationState>()
  private stations: StationRecord[] = []
  private byId = new Map<string, StationRecord>()
  private towns = new Map<string, string>()
  private readonly dirty = new Set<string>()
  private timer: NodeJS.Timeout | undefined
  private sweepTimer: NodeJS.Timeout | undefined
  private readonly listeners = new Set<FleetListener>()
  /** Each station's status as last told to listeners, to notice changes no message brings. */
  private readonly lastStatus = new Map<string, string>()

  constructor(
    private readonly deps: {
      storage: Storage
      counters: Counters
      log: Logger
      now: () => number
      onRejects: (rejects: RejectRecord[]) => void
      /** Every valid heartbeat, after the fleet has taken it in. */
      onHeartbeat?: (stationId: string, heartbeat: Heartbeat) => void
      /** Events of a station its kiosk holds as stored that the ledger lacks (fleet/ledgerCheck.ts). */
      ledgerMissing?: (stationId: string) => number | null
    },
  ) {}

  async load(): Promise<void> {
    const { storage } = this.deps
    this.stations = await storage.listStations()
    this.byId = new Map(this.stations.map((r) => [r.id, r]))
    this.towns = new Map((await storage.listTowns()).map((t: TownRecord) => [t.code, t.name]))
    for (const s of await storage.loadStationStates()) this.states.set(s.id, s)
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS).unref()
    this.sweep()
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_EVERY_MS).unref()
  }

  /**
   * Calls `listener` with a station's id whenever its view changes: a status message, a
   * heartbeat, an events message, or a status that changed with time alone (a heartbeat
   * timeout, noticed within SWEEP_EVERY_MS). Bursts are not coalesced here. Returns the
   * unsubscribe function.
   */
  onChange(listener: FleetListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  handleStatus(topic: string, payload: Buffer): void {
    const status = this.decode(topic, payload, 'status')
    if (!status) return
    const s = this.touch(status.stationId)
    s.connected = status.value.state === 'online'
    s.statusReason = status.value.reason
    s.statusSince = status.value.since
    this.changed(status.stationId)
  }

  handleHeartbeat(topic: string, payload: Buffer): void {
    const hb = this.decode(topic, payload, 'heartbeat')
    if (!hb) return
    const s = this.touch(hb.stationId)
    s.heartbeat = hb.value
    s.clockSkewMs = Date.parse(hb.value.time) - this.deps.now()
    this.changed(hb.stationId)
    this.deps.onHeartbeat?.(hb.stationId, hb.value)
  }

  /** An events message is proof of life too, and carries the device clock. */
  eventsSeen(stationId: string, sentAt: string, at: number): void {
    const s = this.touch(stationId)
    s.clockSkewMs = Date.parse(sentAt) - at
    this.changed(stationId)
  }

  list(): StationView[] {
    const now = this.deps.now()
    return this.stations.map((r) => this.view(r, this.states.get(r.id), now))
  }

  get(stationId: string): StationView | undefined {
    const r = this.byId.get(stationId)
    return r ? this.view(r, this.states.get(r.id), this.deps.now()) : undefined
  }

  async flush(): Promise<void> {
    if (this.dirty.size === 0) return
    const batch = [...this.dirty].flatMap((id) => this.states.get(id) ?? [])
    this.dirty.clear()
    await this.deps.storage.saveStationStates(batch).catch((err: unknown) => {
      for (const s of batch) this.dirty.add(s.id)
      this.deps.log.warn({ err }, 'saving station states failed; will retry')
    })
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    clearInterval(this.sweepTimer)
    this.listeners.clear()
    await this.flush()
  }

  /** Tells the listeners of a station whose view changed, and notes its status as told. */
  private changed(stationId: string): void {
    const r = this.byId.get(stationId)
    if (!r) return
    this.lastStatus.set(stationId, this.statusKey(r, this.deps.now()))
    for (const l of this.listeners) l(stationId)
  }

  /** Status changes no message brings: an online station going quiet past its timeout. */
  private sweep(): void {
    const now = this.deps.now()
    for (const r of this.stations) {
      const key = this.statusKey(r, now)
      if (this.lastStatus.get(r.id) === key) continue
      const known = this.lastStatus.has(r.id)
      this.lastStatus.set(r.id, key)
      if (known) for (const l of this.listeners) l(r.id)
    }
  }

  private statusKey(r: StationRecord, now: number): string {
    const v = this.view(r, this.states.get(r.id), now)
    return `${v.status}/${v.offlineReason ?? ''}`
  }

  private view(r: StationRecord, s: StationState | undefined, now: number): StationView {
    const hb = s?.heartbeat ?? null
    const lastSeenAt = s?.lastSeenAt ?? null
    const { status, reason } = stationStatus(
      {
        connected: s?.connected ?? false,
        statusReason: s?.statusReason ?? null,
        lastSeenAt,
        heartbeatIntervalS: hb?.intervalS ?? null,
      },
      now,
    )
    return {
      id: r.id,
      name: r.name,
      tier: r.tier,
      townCode: r.townCode,
      townName: this.towns.get(r.townCode) ?? '',
      status,
      offlineReason: reason,
      lastSeen: lastSeenAt === null ? null : new Date(lastSeenAt).toISOString(),
      lastSeenAgeS: lastSeenAt === null ? null : Math.max(0, Math.round((now - lastSeenAt) / 1000)),
      backlog: hb?.backlog.depth ?? null,
      oldestUnsentAgeS: hb?.backlog.oldestUnsentAgeS ?? null,
      deadLetters: hb?.backlog.deadLetters ?? null,
      clockSkewS: s?.clockSkewMs == null ? null : Math.round(s.clockSkewMs / 100) / 10,
      lastSeq: hb?.lastSeq ?? null,
      versions: hb?.versions ?? null,
      heartbeatIntervalS: hb?.intervalS ?? null,
      faults: hb?.faults ?? [],
      disk: hb?.disk ?? null,
      ledgerMissing: this.deps.ledgerMissing?.(r.id) ?? null,
    }
  }

  /** Any message from a station means it is connected and alive now. */
  private touch(stationId: string): StationState {
    let s = this.states.get(stationId)
    if (!s) {
      s = {
        id: stationId,
        connected: true,
        statusReason: 'connected',
        statusSince: null,
        lastSeenAt: null,
        clockSkewMs: null,
        heartbeat: null,
      }
      this.states.set(stationId, s)
    }
    s.connected = true
    s.statusReason = 'connected'
    s.lastSeenAt = this.deps.now()
    this.dirty.add(stationId)
    return s
  }

  private decode<C extends 'status' | 'heartbeat'>(
    topic: string,
    payload: Buffer,
    channel: C,
  ): { stationId: string; value: C extends 'status' ? Status : Heartbeat } | undefined {
    const stationId = parseStationTopic(topic)?.stationId
    if (stationId === undefined) return undefined
    const decoded = codecs[channel].decode(payload)
    if (decoded.ok) return { stationId, value: decoded.value as C extends 'status' ? Status : Heartbeat }
    const code = decoded.errors[0]?.code ?? 'schema'
    this.deps.counters.bump(`rejected.${code}`)
    this.deps.log.warn(
      { stationId, channel, errors: decoded.errors.slice(0, 5) },
      `refused a ${channel} message`,
    )
    this.deps.onRejects([
      reject(
        this.deps.now(),
        stationId,
        topic,
        code,
        decoded.errors.map(formatWireError).join('; '),
        payload,
      ),
    ])
    return undefined
  }
}

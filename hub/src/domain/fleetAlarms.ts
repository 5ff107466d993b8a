/**
 * The fleet watch's alarm rules on station health, as pure functions: from what the hub
 * knows of each station now, which conditions hold, and from those, the open alarms and
 * the alarms people resolved, which alarms to raise and which to clear. docs/OPERATIONS.md
 * ("Alarms") states them for operators.
 */
export const FLEET_ALARM_KINDS = [
  'offline',
  'clockSkew',
  'backlogAge',
  'deviceFault',
  'deniedLogins',
  'diskLow',
  'ledgerGap',
  'brokerFlood',
] as const
export type FleetAlarmKind = (typeof FLEET_ALARM_KINDS)[number]

export interface FleetAlarmRules {
  /** A station offline (not `never`) this long since it was last heard from. */
  offlineAfterMs: number
  /** |kiosk clock − hub clock| above this, in seconds. */
  clockSkewMaxS: number
  /** The oldest event waiting on the kiosk older than this. */
  backlogAgeMaxMs: number
  /** A fault in the heartbeat standing this long (by its own `since`). */
  faultHoldMs: number
  /** This many denied MQTT logins naming the station within `deniedLoginsWindowMs`. */
  deniedLoginsMax: number
  deniedLoginsWindowMs: number
  /** The kiosk's data disk below either: this many bytes free, or this fraction of its size. */
  diskLowFreeBytes: number
  diskLowFreeFraction: number
  /** The ledger lacking events the kiosk holds as stored this long; the hub asks for them at once. */
  ledgerGapHoldMs: number
  /**
   * The broker throttling a station (hub/src/broker/floodGuard.ts) over at least this long:
   * its throttles span this much time, each within `brokerFloodQuietMs` of the one before.
   */
  brokerFloodHoldMs: number
  /** A flood is over after this long without a throttle; the alarm clears. */
  brokerFloodQuietMs: number
  /**
   * After a person resolves an alarm whose condition still holds, the rule raises it again
   * only after this long (or as soon as the condition has ended and come back).
   */
  reraiseAfterResolveMs: number
}

export const DEFAULT_FLEET_ALARM_RULES: FleetAlarmRules = {
  offlineAfterMs: 30 * 60_000,
  clockSkewMaxS: 120,
  backlogAgeMaxMs: 60 * 60_000,
  faultHoldMs: 10 * 60_000,
  deniedLoginsMax: 5,
  deniedLoginsWindowMs: 10 * 60_000,
  diskLowFreeBytes: 1024 ** 3,
  diskLowFreeFraction: 0.05,
  ledgerGapHoldMs: 15 * 60_000,
  brokerFloodHoldMs: 60_000,
  brokerFloodQuietMs: 10 * 60_000,
  reraiseAfterResolveMs: 24 * 3600_000,
}

/** Why a rule clears its alarm: the condition ended. */
export const CLEAR_REASONS: Record<FleetAlarmKind, string> = {
  offline: 'online',
  clockSkew: 'clockOk',
  backlogAge: 'backlogSent',
  deviceFault: 'faultGone',
  deniedLogins: 'quiet',
  diskLow: 'diskOk',
  ledgerGap: 'ledgerComplete',
  brokerFlood: 'rateNormal',
}

/** What the rules read of a station: its view in the API (fleet/stationView.ts). */
export interface StationHealth {
  id: string
  status: 'online' | 'offline' | 'never'
  offlineReason: string | null
  lastSeen: string | null
  backlog: number | null
  oldestUnsentAgeS: number | null
  clockSkewS: number | null
  faults: readonly { device: string; code: string; message: string; since: string }[]
  disk: { freeBytes: number; totalBytes: number } | null
  /** fleet/ledgerCheck.ts; absent where nothing checks. */
  ledgerMissing?: number | null
}

/** Denied MQTT logins that named one station, within the rule's window. */
export interface DenialSummary {
  count: number
  firstAt: number
  lastAt: number
  reasons: Record<string, number>
  clientIds: string[]
  usernames: string[]
  addresses: string[]
}

/** One episode of the broker throttling a station: logins, messages or bytes over its rate. */
export interface FloodSummary {
  firstAt: number
  lastAt: number
  /** Throttled logins and publishes (a throttled publish closes its connection). */
  count: number
  byKind: { connect: number; publish: number; bytes: number }
  /** The last few source addresses, newest last. */
  addresses: string[]
}

/**
 * A condition that holds at a station now. It goes off at `raiseAt` (never, for one that
 * only keeps an open alarm open); `since` is when this episode of it began.
 */
export interface Condition {
  kind: FleetAlarmKind
  stationId: string
  subject: string
  since: number
  raiseAt: number
  detail: Record<string, unknown>
}

export interface OpenAlarm {
  id: number
  kind: FleetAlarmKind
  stationId: string
  subject: string
}

export interface ResolvedAlarm {
  kind: string
  stationId: string
  subject: string
  resolvedAt: number
}

export type FleetAlarmChange =
  | { kind: 'raise'; condition: Condition }
  | { kind: 'clear'; alarm: OpenAlarm; reason: string }

export const alarmKey = (kind: string, stationId: string, subject: string): string =>
  `${kind}\u0000${stationId}\u0000${subject}`

/**
 * The conditions holding at every station. `firstSeen` remembers, between calls, when a
 * condition with no time of its own (clock skew, backlog age, low disk) was first seen; it
 * is updated in place.
 */
export function fleetConditions(
  stations: readonly StationHealth[],
  denied: ReadonlyMap<string, DenialSummary>,
  firstSeen: Map<string, number>,
  now: number,
  rules: FleetAlarmRules,
  floods: ReadonlyMap<string, FloodSummary> = new Map(),
): Condition[] {
  const out: Condition[] = []
  // `since` from the data when it says when the episode began, else from when it was first seen
  const add = (c: Omit<Condition, 'since'> & { since?: number; firstAt?: number }) => {
    const { firstAt, ...rest } = c
    const since = c.since ?? firstSeen.get(alarmKey(c.kind, c.stationId, c.subject)) ?? firstAt ?? now
    out.push({ ...rest, since })
  }
  for (const s of stations) {
    if (s.status === 'offline' && s.lastSeen !== null) {
      const since = Date.parse(s.lastSeen)
      add({
        kind: 'offline',
        stationId: s.id,
        subject: '',
        since,
        raiseAt: since + rules.offlineAfterMs,
        detail: { lastSeen: s.lastSeen, offlineReason: s.offlineReason, backlog: s.backlog },
      })
    }
    if (s.clockSkewS !== null && Math.abs(s.clockSkewS) > rules.clockSkewMaxS) {
      add({
        kind: 'clockSkew',
        stationId: s.id,
        subject: '',
        raiseAt: now,
        detail: { clockSkewS: s.clockSkewS, maxS: rules.clockSkewMaxS },
      })
    }
    if (s.oldestUnsentAgeS !== null && s.oldestUnsentAgeS * 1000 > rules.backlogAgeMaxMs) {
      add({
        kind: 'backlogAge',
        stationId: s.id,
        subject: '',
        raiseAt: now,
        detail: {
          oldestUnsentAgeS: s.oldestUnsentAgeS,
          backlog: s.backlog,
          maxS: rules.backlogAgeMaxMs / 1000,
          kioskOnline: s.status === 'online',
        },
      })
    }
    // a fault's `since` is kiosk time: brought to hub time with the skew, and never in the future
    const skewMs = (s.clockSkewS ?? 0) * 1000
    for (const f of s.faults) {
      const at = Date.parse(f.since) - skewMs
      const since = Number.isFinite(at) ? Math.min(at, now) : now
      add({
        kind: 'deviceFault',
        stationId: s.id,
        subject: f.device,
        since,
        raiseAt: since + rules.faultHoldMs,
        detail: { device: f.device, code: f.code, message: f.message, since: f.since },
      })
    }
    if (s.disk !== null) {
      const minFree = Math.max(rules.diskLowFreeBytes, rules.diskLowFreeFraction * s.disk.totalBytes)
      if (s.disk.freeBytes < minFree) {
        add({
          kind: 'diskLow',
          stationId: s.id,
          subject: '',
          raiseAt: now,
          detail: { ...s.disk, minFreeBytes: Math.round(minFree) },
        })
      }
    }
    if (s.ledgerMissing) {
      add({
        kind: 'ledgerGap',
        stationId: s.id,
        subject: '',
        raiseAt: (firstSeen.get(alarmKey('ledgerGap', s.id, '')) ?? now) + rules.ledgerGapHoldMs,
        detail: { missing: s.ledgerMissing },
      })
    }
    // raised at the count, kept open until a whole window passes without a denial
    const d = denied.get(s.id)
    if (d && d.count > 0) {
      add({
        kind: 'deniedLogins',
        stationId: s.id,
        subject: '',
        firstAt: d.firstAt,
        raiseAt: d.count >= rules.deniedLoginsMax ? now : Number.POSITIVE_INFINITY,
        detail: {
          ...d,
          firstAt: new Date(d.firstAt).toISOString(),
          lastAt: new Date(d.lastAt).toISOString(),
          windowS: rules.deniedLoginsWindowMs / 1000,
        },
      })
    }
    // a burst is throttled and forgotten; throttling that goes on is a station to look at
    const f = floods.get(s.id)
    if (f) {
      add({
        kind: 'brokerFlood',
        stationId: s.id,
        subject: '',
        firstAt: f.firstAt,
        raiseAt: f.lastAt - f.firstAt >= rules.brokerFloodHoldMs ? now : Number.POSITIVE_INFINITY,
        detail: {
          ...f,
          firstAt: new Date(f.firstAt).toISOString(),
          lastAt: new Date(f.lastAt).toISOString(),
          holdS: rules.brokerFloodHoldMs / 1000,
          quietS: rules.brokerFloodQuietMs / 1000,
        },
      })
    }
  }
  const holding = new Set(out.map((c) => alarmKey(c.kind, c.stationId, c.subject)))
  for (const key of firstSeen.keys()) if (!holding.has(key)) firstSeen.delete(key)
  for (const c of out) {
    const key = alarmKey(c.kind, c.stationId, c.subject)
    if (!firstSeen.has(key)) firstSeen.set(key, c.since)
  }
  return out
}

/**
 * One step of the fleet watch: raise what has held long enough and has no open alarm
 * (one per kind, station and subject), unless a person resolved it during this episode
 * less than `reraiseAfterResolveMs` ago; clear every open alarm whose condition ended, or
 * whose station left the registry.
 */
export function stepFleetAlarms(
  conditions: readonly Condition[],
  open: readonly OpenAlarm[],
  resolved: readonly ResolvedAlarm[],
  stationIds: ReadonlySet<string>,
  now: number,
  reraiseAfterResolveMs: number,
): FleetAlarmChange[] {
  const changes: FleetAlarmChange[] = []
  const openKeys = new Set(open.map((a) => alarmKey(a.kind, a.stationId, a.subject)))
  const lastResolved = new Map<string, number>()
  for (const r of resolved) {
    const key = alarmKey(r.kind, r.stationId, r.subject)
    lastResolved.set(key, Math.max(lastResolved.get(key) ?? 0, r.resolvedAt))
  }
  const holding = new Set<string>()
  for (const c of conditions) {
    const key = alarmKey(c.kind, c.stationId, c.subject)
    holding.add(key)
    if (openKeys.has(key) || now < c.raiseAt) continue
    const r = lastResolved.get(key)
    if (r !== undefined && r >= c.since && now < r + reraiseAfterResolveMs) continue
    changes.push({ kind: 'raise', condition: c })
  }
  for (const a of open) {
    if (!stationIds.has(a.stationId)) changes.push({ kind: 'clear', alarm: a, reason: 'stationRemoved' })
    else if (!holding.has(alarmKey(a.kind, a.stationId, a.subject)))
      changes.push({ kind: 'clear', alarm: a, reason: CLEAR_REASONS[a.kind] })
  }
  return changes
}

import { createHash } from 'node:crypto'
import {
  addDays,
  codecs,
  type DutyRota,
  localDate,
  MAX_PAYLOAD_BYTES,
  type PlannedActivity,
  ROSTER_PART_PEOPLE,
  type RosterPerson,
  type RosterUpdate,
  rotaInForce,
  type StudySummary,
  stationTopic,
} from '@ejia/protocol'
import type { Logger } from 'pino'
import type { MessageBus } from '../broker/bus.js'
import type { WorkStats } from '../stats/workStats.js'
import type { Person, RosterDelta, WorkStore } from '../storage/workStore.js'

/** Bytes of people per part: the rest of the payload limit is headroom for the envelope. */
const PART_BUDGET_BYTES = Math.floor(MAX_PAYLOAD_BYTES * 0.75)

export interface RosterSyncOptions {
  /** A delta not confirmed by a heartbeat after this long is sent again. */
  resendAfterMs: number
  /** Study hours are recomputed for the district at most this often. */
  studyRefreshMs: number
}

/** How far ahead the kiosk knows the station's planned activities. */
const PLAN_DAYS_AHEAD = 14

/** What a kiosk gets besides its people: study hours, rota and planned activities. */
export interface StationExtras {
  study: StudySummary[]
  rotas: DutyRota[]
  plans: PlannedActivity[]
}

interface Snapshot {
  at: number
  asOf: string
  study: Map<string, StudySummary[]>
  rotas: Map<string, DutyRota[]>
  plans: Map<string, PlannedActivity[]>
}

interface Sent {
  fromVersion: number
  version: number
  studyDigest: string
  at: number
}

/**
 * Keeps every kiosk's roster and study hours in step with the hub. A kiosk says in each
 * heartbeat which roster version it holds; when that is behind (or ahead, after a hub
 * restore) the hub sends the delta, in parts if large. The heartbeat is the receipt: until
 * one reports the new version, the same delta goes again after `resendAfterMs`.
 */
export class RosterSync {
  private readonly sent = new Map<string, Sent>()
  private readonly busy = new Set<string>()
  private snapshot: Snapshot | undefined
  private snapshotRun: Promise<Snapshot> | undefined

  constructor(
    private readonly deps: {
      work: WorkStore
      stats: WorkStats
      bus: MessageBus
      log: Logger
      now: () => number
    },
    private readonly opts: RosterSyncOptions = { resendAfterMs: 60_000, studyRefreshMs: 10 * 60_000 },
  ) {}

  /** Called for every heartbeat; never throws, and handles one station at a time. */
  onHeartbeat(stationId: string, held: string | undefined): void {
    // a kiosk on a roster file (or an agent older than roster sync) is left alone
    if (held === undefined || this.busy.has(stationId)) return
    const heldVersion = Number(held)
    if (!Number.isSafeInteger(heldVersion) || heldVersion < 0) {
      this.deps.log.warn(
        { stationId, held },
        'heartbeat names a roster version that is not a number; ignored',
      )
      return
    }
    this.busy.add(stationId)
    this.sync(stationId, heldVersion)
      .catch((err: unknown) =>
        this.deps.log.warn({ err, stationId }, 'roster sync failed; next heartbeat retries'),
      )
      .finally(() => this.busy.delete(stationId))
  }

  /** The work changed at the hub (hours, a plan, a rota): recompute before the next heartbeat's answer. */
  invalidate(): void {
    this.snapshot = undefined
  }

  private async sync(stationId: string, held: number): Promise<void> {
    const now = this.deps.now()
    const version = await this.deps.work.rosterVersion(stationId)
    const snapshot = await this.snapshotNow()
    const extras: StationExtras = {
      study: snapshot.study.get(stationId) ?? [],
      rotas: snapshot.rotas.get(stationId) ?? [],
      plans: snapshot.plans.get(stationId) ?? [],
    }
    const studyDigest = digest(extras)
    const last = this.sent.get(stationId)
    const rosterBehind = held !== version
    const studyStale = last?.studyDigest !== studyDigest
    if (!rosterBehind && !studyStale) return
    const inTransit =
      last !== undefined &&
      last.fromVersion === held &&
      last.version === version &&
      last.studyDigest === studyDigest &&
      now - last.at < this.opts.resendAfterMs
    if (inTransit) return

    const delta: RosterDelta = rosterBehind
      ? await this.deps.work.rosterDelta(stationId, held)
      : { stationId, fromVersion: held, version: held, full: false, upserts: [], removals: [] }
    const parts = splitRosterUpdate(delta, extras, snapshot.asOf)
    for (const part of parts) {
      await this.deps.bus.publish(stationTopic(stationId, 'roster'), codecs.roster.encode(part), {
        qos: 1,
        retain: false,
      })
    }
    this.sent.set(stationId, { fromVersion: held, version: delta.version, studyDigest, at: now })
    this.deps.log.info(
      {
        stationId,
        from: delta.fromVersion,
        to: delta.version,
        full: delta.full,
        upserts: delta.upserts.length,
        removals: delta.removals.length,
        parts: parts.length,
      },
      'roster sent',
    )
  }

  private async snapshotNow(): Promise<Snapshot> {
    const now = this.deps.now()
    if (this.snapshot && now - this.snapshot.at < this.opts.studyRefreshMs) return this.snapshot
    // one computation for the whole district, however many heartbeats ask at once
    this.snapshotRun ??= this.takeSnapshot(now).finally(() => {
      this.snapshotRun = undefined
    })
    return this.snapshotRun
  }

  private async takeSnapshot(now: number): Promise<Snapshot> {
    const asOf = localDate(now)
    const yesterday = addDays(asOf, -1)
    const study = new Map<string, StudySummary[]>()
    for (const s of await this.deps.stats.study(asOf)) {
      push(study, s.stationId, {
        personId: s.personId,
        done: round2(s.done),
        dueByNow: round2(s.dueByNow),
        target: round2(s.target),
        behind: s.behind,
      })
    }
    const versions = new Map<string, DutyRota[]>()
    for (const r of await this.deps.work.schedules()) push(versions, r.stationId, r)
    // the versions a kiosk needs: the one in force yesterday, and any that follow it
    const rotas = new Map<string, DutyRota[]>()
    for (const [stationId, vs] of versions) {
      const from = rotaInForce(vs, yesterday)?.validFrom ?? ''
      rotas.set(
        stationId,
        vs.filter((v) => (v.validFrom ?? '') >= from),
      )
    }
    const plans = new Map<string, PlannedActivity[]>()
    for (const p of await this.deps.work.plans({ from: yesterday, to: addDays(asOf, PLAN_DAYS_AHEAD) })) {
      push(plans, p.stationId, {
        activityId: p.activityId,
        kind: p.kind,
        ...(p.theme ? { theme: p.theme } : {}),
        ...(p.themeTitle ? { themeTitle: p.themeTitle } : {}),
        title: p.title,
        date: p.date,
        agenda: p.agenda,
        hours: p.hours,
      })
    }
    this.snapshot = { at: now, asOf, study, rotas, plans }
    return this.snapshot
  }
}

/**
 * Cuts a delta into messages that each stay under the payload limit and the per-part
 * counts. Every part names the whole update (from, to, full, parts) so the kiosk can tell
 * which parts belong together.
 */
export function splitRosterUpdate(
  delta: RosterDelta,
  extras: StationExtras,
  studyAsOf: string,
): RosterUpdate[] {
  type Body = Pick<RosterUpdate, 'upserts' | 'removals' | 'study'>
  const bodies: (Body & { bytes: number })[] = [{ upserts: [], removals: [], study: [], bytes: 0 }]
  const add = <K extends keyof Body>(key: K, item: Body[K][number]) => {
    const bytes = Buffer.byteLength(JSON.stringify(item)) + 1
    let body = bodies[bodies.length - 1] as Body & { bytes: number }
    if (body[key].length >= ROSTER_PART_PEOPLE || body.bytes + bytes > PART_BUDGET_BYTES) {
      body = { upserts: [], removals: [], study: [], bytes: 0 }
      bodies.push(body)
    }
    ;(body[key] as Body[K][number][]).push(item)
    body.bytes += bytes
  }
  for (const p of delta.upserts) add('upserts', toRosterPerson(p))
  for (const id of delta.removals) add('removals', id)
  for (const s of extras.study) add('study', s)
  return bodies.map(({ upserts, removals, study }, part) => ({
    fromVersion: delta.fromVersion,
    version: delta.version,
    full: delta.full,
    part,
    parts: bodies.length,
    upserts,
    removals,
    studyAsOf,
    study,
    // small, and needed whole: with the first part
    ...(part === 0 ? { rotas: extras.rotas, plans: extras.plans } : {}),
  }))
}

/** What the kiosk needs of a person: no station, and no PIN hash unless one is set. */
export function toRosterPerson(p: Person): RosterPerson {
  return {
    personId: p.personId,
    name: p.name,
    roles: p.roles,
    cards: p.cards,
    qrTokens: p.qrTokens,
    fingerprints: p.fingerprints,
    ...(p.pinHash ? { pinHash: p.pinHash } : {}),
  }
}

function digest(extras: StationExtras): string {
  return createHash('sha256').update(JSON.stringify(extras)).digest('base64url')
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

const round2 = (x: number) => Math.round(x * 100) / 100

import { createHash } from 'node:crypto'
import {
  codecs,
  MAX_PAYLOAD_BYTES,
  ROSTER_PART_PEOPLE,
  type RosterPerson,
  type RosterUpdate,
  type StudySummary,
  stationTopic,
} from '@ejia/protocol'
import type { Logger } from 'pino'
import type { MessageBus } from '../broker/bus.js'
import { localDate } from '../domain/localTime.js'
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
  private study: { at: number; byStation: Map<string, StudySummary[]>; asOf: string } | undefined
  private studyRun: Promise<NonNullable<RosterSync['study']>> | undefined

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

  /** Forget what was sent, so every kiosk gets fresh study hours on its next heartbeat. */
  invalidateStudy(): void {
    this.study = undefined
  }

  private async sync(stationId: string, held: number): Promise<void> {
    const now = this.deps.now()
    const version = await this.deps.work.rosterVersion(stationId)
    const study = await this.studyNow()
    const summaries = study.byStation.get(stationId) ?? []
    const studyDigest = digest(summaries)
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
    const parts = splitRosterUpdate(delta, summaries, study.asOf)
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

  private async studyNow(): Promise<NonNullable<RosterSync['study']>> {
    const now = this.deps.now()
    if (this.study && now - this.study.at < this.opts.studyRefreshMs) return this.study
    // one computation for the whole district, however many heartbeats ask at once
    this.studyRun ??= (async () => {
      const asOf = localDate(now)
      const byStation = new Map<string, StudySummary[]>()
      for (const s of await this.deps.stats.study(asOf)) {
        const list = byStation.get(s.stationId) ?? []
        list.push({
          personId: s.personId,
          done: round2(s.done),
          dueByNow: round2(s.dueByNow),
          target: round2(s.target),
          behind: s.behind,
        })
        byStation.set(s.stationId, list)
      }
      this.study = { at: now, byStation, asOf }
      return this.study
    })().finally(() => {
      this.studyRun = undefined
    })
    return this.studyRun
  }
}

/**
 * Cuts a delta into messages that each stay under the payload limit and the per-part
 * counts. Every part names the whole update (from, to, full, parts) so the kiosk can tell
 * which parts belong together.
 */
export function splitRosterUpdate(
  delta: RosterDelta,
  study: readonly StudySummary[],
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
  for (const s of study) add('study', s)
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

function digest(study: readonly StudySummary[]): string {
  return createHash('sha256').update(JSON.stringify(study)).digest('base64url')
}

const round2 = (x: number) => Math.round(x * 100) / 100

import { isDeepStrictEqual } from 'node:util'
import { verifyPin } from '@ejia/platform'
import type { HubApi, HubPerson, HubPlan, HubSchedule } from './hubApi.js'

/*
 * Puts work data into the hub so that running a seeder again changes nothing: each item is
 * compared with what the hub already holds and sent only when it differs. Upserting the same
 * data again would be harmless to the figures, but it would bump roster versions (every
 * kiosk of the village syncs again) and add audit entries each run.
 */

export interface SyncCount {
  saved: number
  unchanged: number
}

/**
 * People per PUT /api/people. The hub takes at most 5000 per request, and at most 1 MiB of
 * JSON (Fastify's default body limit); a person with a card and a PIN hash is about 300 bytes.
 */
export const PEOPLE_PER_PUT = 2000

/** True when what the hub holds already says everything `wanted` says. */
function holds(stored: object | undefined, wanted: object): boolean {
  if (!stored) return false
  const s = stored as Record<string, unknown>
  return Object.entries(wanted).every(([k, v]) => isDeepStrictEqual(s[k], v))
}

/** A person to put, with the PIN they should have (set through the hub's PIN route). */
export type PersonWish = Omit<HubPerson, 'pinHash'> & { pin?: string }

export async function syncPeople(
  api: HubApi,
  wanted: readonly PersonWish[],
): Promise<SyncCount & { pinsSet: number }> {
  const held = new Map((await api.people()).map((p) => [p.personId, p]))
  const changed: HubPerson[] = []
  const pins: [string, string][] = []
  for (const { pin, ...w } of wanted) {
    const h = held.get(w.personId)
    // a PIN the office set at the hub is kept; a wished PIN is set only when the held one differs
    let pinHash = h?.pinHash ?? null
    if (pin !== undefined && !(pinHash !== null && (await verifyPin(pin, pinHash)))) {
      pinHash = null
      pins.push([w.personId, pin])
    }
    const person = { ...w, pinHash }
    if (!holds(h, person)) changed.push(person)
  }
  for (let i = 0; i < changed.length; i += PEOPLE_PER_PUT)
    await api.putPeople(changed.slice(i, i + PEOPLE_PER_PUT))
  for (const [personId, pin] of pins) await api.setPin(personId, pin)
  return { saved: changed.length, unchanged: wanted.length - changed.length, pinsSet: pins.length }
}

export async function syncSchedules(api: HubApi, wanted: readonly HubSchedule[]): Promise<SyncCount> {
  const held = new Map((await api.schedules()).map((s) => [s.stationId, s]))
  let saved = 0
  for (const s of wanted) {
    if (holds(held.get(s.stationId), s)) continue
    await api.putSchedule(s)
    saved++
  }
  return { saved, unchanged: wanted.length - saved }
}

export async function syncPlans(api: HubApi, wanted: readonly HubPlan[]): Promise<SyncCount> {
  if (wanted.length === 0) return { saved: 0, unchanged: 0 }
  const dates = wanted.map((p) => p.date).sort()
  const held = new Map(
    (await api.plans(dates[0] as string, dates.at(-1) as string)).map((p) => [p.activityId, p]),
  )
  let saved = 0
  for (const p of wanted) {
    if (holds(held.get(p.activityId), p)) continue
    await api.putPlan(p)
    saved++
  }
  return { saved, unchanged: wanted.length - saved }
}

export interface CorrectionWish {
  stationId: string
  personId: string
  direction: 'in' | 'out'
  /** RFC 3339: when the missed punch should have been. */
  at: string
  reason: string
  decision: 'approved' | 'rejected' | 'pending'
}

export interface CorrectionCount {
  requested: number
  decided: number
  unchanged: number
}

/**
 * Asks for each correction as `api`'s operator and decides it as the approver, another
 * operator: the hub's four-eyes rule refuses a decision by whoever asked. The approver is
 * logged in only when there is something to decide. A correction the hub already has (same
 * station, person, direction and time) is not asked for again; one left pending by an
 * interrupted run is decided now. The approver's token is revoked at the end.
 */
export async function syncCorrections(
  api: HubApi,
  wanted: readonly CorrectionWish[],
  approver: () => Promise<HubApi>,
): Promise<CorrectionCount> {
  const key = (c: { stationId: string; personId: string; direction: string; at: number }) =>
    `${c.stationId}|${c.personId}|${c.direction}|${c.at}`
  const held = new Map((await api.corrections()).map((c) => [key(c), c]))
  const count: CorrectionCount = { requested: 0, decided: 0, unchanged: 0 }
  let second: Promise<HubApi> | undefined
  try {
    for (const { decision, ...c } of wanted) {
      const h = held.get(key({ ...c, at: Date.parse(c.at) }))
      let id = h?.id
      if (id === undefined) {
        id = await api.requestCorrection(c)
        count.requested++
      }
      if ((h === undefined || h.status === 'pending') && decision !== 'pending') {
        second ??= approver()
        await (await second).decideCorrection(id, decision === 'approved')
        count.decided++
      } else if (h !== undefined) {
        count.unchanged++
      }
    }
  } finally {
    // the approver's token was made for this run only
    await second?.then(
      (a) => a.close(),
      () => undefined,
    )
  }
  return count
}

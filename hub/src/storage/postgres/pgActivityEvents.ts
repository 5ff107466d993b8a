import type { SignIn } from '../../domain/activities/attendance.js'
import type { ActivityPhoto } from '../../domain/activities/photoCheck.js'
import type { ActivityMarks } from '../workStore.js'
import type { PgDb } from './pgDb.js'

/**
 * What the ledger says about activities, as sqlite/activityEvents.ts reads it: sign-ins,
 * photos, and when each was opened and closed at its kiosk. Read from `events` by the index
 * on (type, body ->> 'activityId'); each activity is joined with its own station, so marks
 * and sign-ins another village's kiosk sent never leave the database.
 */
export const pgActivityEvents = {
  /** Sign-ins made at each activity's own station, in the order the hub received them. */
  async signIns(
    db: PgDb,
    activities: readonly { activityId: string; stationId: string }[],
  ): Promise<Map<string, SignIn[]>> {
    const out = new Map<string, SignIn[]>(activities.map((a) => [a.activityId, []]))
    const stationOf = new Map(activities.map((a) => [a.activityId, a.stationId]))
    if (activities.length === 0) return out
    const rows = await db.query<{ device_time: string; body: CheckinBody }>(
      `SELECT e.device_time, e.body FROM events e
       JOIN unnest($1::text[], $2::text[]) AS a(activity_id, station_id)
         ON e.body ->> 'activityId' = a.activity_id AND e.station_id = a.station_id
       WHERE e.type = 'checkin'
       ORDER BY e.ingest_id`,
      [[...stationOf.keys()], [...stationOf.values()]],
    )
    for (const { device_time, body: b } of rows) {
      out.get(b.activityId)?.push({
        personId: b.personId,
        method: b.method,
        at: Date.parse(device_time),
        ...(b.vouchedBy ? { vouchedBy: b.vouchedBy } : {}),
        ...(b.witnessPhotoId ? { witnessPhotoId: b.witnessPhotoId } : {}),
      })
    }
    return out
  },

  /** Photos of the activities and with the ids named, wherever taken; oldest first. */
  async photos(
    db: PgDb,
    q: {
      activityIds?: readonly string[]
      photoIds?: readonly string[]
    },
  ): Promise<ActivityPhoto[]> {
    if (!q.activityIds?.length && !q.photoIds?.length) return []
    const rows = await db.query<{
      station_id: string
      device_time: string
      body: Omit<ActivityPhoto, 'stationId' | 'at'>
    }>(
      `SELECT station_id, device_time, body FROM events
       WHERE type = 'activity.photo'
         AND (body ->> 'activityId' = ANY($1::text[]) OR body ->> 'photoId' = ANY($2::text[]))
       ORDER BY device_time COLLATE "C", ingest_id`,
      [q.activityIds ?? [], q.photoIds ?? []],
    )
    return rows.map((r) => ({ ...r.body, stationId: r.station_id, at: Date.parse(r.device_time) }))
  },

  /**
   * The first `activity.start` and first `activity.end` of each activity at its own station,
   * by device time. The map lists the activities in the order of their first mark, as the
   * SQLite store's scan finds them; activities without a mark are not in it.
   */
  async marks(
    db: PgDb,
    activities: readonly { activityId: string; stationId: string }[],
  ): Promise<Map<string, ActivityMarks>> {
    const out = new Map<string, ActivityMarks>()
    const stationOf = new Map(activities.map((a) => [a.activityId, a.stationId]))
    if (activities.length === 0) return out
    const rows = await db.query<{
      activity_id: string
      type: string
      device_time: string
      body: { startedBy?: string; endedBy?: string }
    }>(
      `SELECT activity_id, type, device_time, body FROM (
         SELECT DISTINCT ON (a.activity_id, e.type) a.activity_id, e.type, e.device_time, e.ingest_id, e.body
         FROM events e
         JOIN unnest($1::text[], $2::text[]) AS a(activity_id, station_id)
           ON e.body ->> 'activityId' = a.activity_id AND e.station_id = a.station_id
         WHERE e.type IN ('activity.start', 'activity.end')
         ORDER BY a.activity_id, e.type, e.device_time COLLATE "C", e.ingest_id
       ) AS firsts
       ORDER BY device_time COLLATE "C", ingest_id`,
      [[...stationOf.keys()], [...stationOf.values()]],
    )
    for (const r of rows) {
      const m = out.get(r.activity_id) ?? { started: null, ended: null }
      const at = Date.parse(r.device_time)
      if (r.type === 'activity.start') m.started = { at, by: r.body.startedBy ?? '' }
      else m.ended = { at, by: r.body.endedBy ?? '' }
      out.set(r.activity_id, m)
    }
    return out
  },
}

interface CheckinBody {
  personId: string
  method: string
  activityId: string
  vouchedBy?: string
  witnessPhotoId?: string
}

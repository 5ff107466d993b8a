import type { Database } from '@ejia/platform'
import type { SignIn } from '../../domain/activities/attendance.js'
import type { ActivityPhoto } from '../../domain/activities/photoCheck.js'
import type { ActivityMarks } from '../workStore.js'

/**
 * What the ledger says about activities: sign-ins, photos, and when each was opened and
 * closed at its kiosk. Read straight from the `events` table by the activity id index.
 */
export const activityEvents = {
  /** Sign-ins made at each activity's own station; another village's kiosk cannot add to them. */
  async signIns(
    db: Database,
    activities: readonly { activityId: string; stationId: string }[],
  ): Promise<Map<string, SignIn[]>> {
    const out = new Map<string, SignIn[]>(activities.map((a) => [a.activityId, []]))
    const stationOf = new Map(activities.map((a) => [a.activityId, a.stationId]))
    if (activities.length === 0) return out
    const rows = await db.all<{ station_id: string; device_time: string; body: string }[]>(
      `SELECT station_id, device_time, body FROM events
       WHERE type = 'checkin' AND json_extract(body, '$.activityId') IN (SELECT value FROM json_each(?))`,
      JSON.stringify([...stationOf.keys()]),
    )
    for (const r of rows) {
      const b = JSON.parse(r.body) as {
        personId: string
        method: string
        activityId: string
        vouchedBy?: string
        witnessPhotoId?: string
      }
      if (stationOf.get(b.activityId) !== r.station_id) continue
      out.get(b.activityId)?.push({
        personId: b.personId,
        method: b.method,
        at: Date.parse(r.device_time),
        ...(b.vouchedBy ? { vouchedBy: b.vouchedBy } : {}),
        ...(b.witnessPhotoId ? { witnessPhotoId: b.witnessPhotoId } : {}),
      })
    }
    return out
  },

  async photos(
    db: Database,
    q: {
      activityIds?: readonly string[]
      photoIds?: readonly string[]
    },
  ): Promise<ActivityPhoto[]> {
    if (!q.activityIds?.length && !q.photoIds?.length) return []
    const rows = await db.all<{ station_id: string; device_time: string; body: string }[]>(
      `SELECT station_id, device_time, body FROM events
       WHERE type = 'activity.photo'
         AND (json_extract(body, '$.activityId') IN (SELECT value FROM json_each(?1))
           OR json_extract(body, '$.photoId') IN (SELECT value FROM json_each(?2)))
       ORDER BY device_time, ingest_id`,
      JSON.stringify(q.activityIds ?? []),
      JSON.stringify(q.photoIds ?? []),
    )
    return rows.map((r) => ({
      ...(JSON.parse(r.body) as Omit<ActivityPhoto, 'stationId' | 'at'>),
      stationId: r.station_id,
      at: Date.parse(r.device_time),
    }))
  },

  async marks(
    db: Database,
    activities: readonly { activityId: string; stationId: string }[],
  ): Promise<Map<string, ActivityMarks>> {
    const out = new Map<string, ActivityMarks>()
    const stationOf = new Map(activities.map((a) => [a.activityId, a.stationId]))
    if (activities.length === 0) return out
    const rows = await db.all<{ station_id: string; type: string; device_time: string; body: string }[]>(
      `SELECT station_id, type, device_time, body FROM events
       WHERE type IN ('activity.start', 'activity.end')
         AND json_extract(body, '$.activityId') IN (SELECT value FROM json_each(?))
       ORDER BY device_time, ingest_id`,
      JSON.stringify([...stationOf.keys()]),
    )
    for (const r of rows) {
      const b = JSON.parse(r.body) as { activityId: string; startedBy?: string; endedBy?: string }
      if (stationOf.get(b.activityId) !== r.station_id) continue
      const m = out.get(b.activityId) ?? { started: null, ended: null }
      const at = Date.parse(r.device_time)
      if (r.type === 'activity.start' && !m.started) m.started = { at, by: b.startedBy ?? '' }
      if (r.type === 'activity.end' && !m.ended) m.ended = { at, by: b.endedBy ?? '' }
      out.set(b.activityId, m)
    }
    return out
  },
}

import type { Database } from '@ejia/platform'
import { credentialClashes } from '../../domain/credentials.js'
import { type Person, type RosterDelta, WorkError } from '../workStore.js'

interface PersonRow {
  person_id: string
  station_id: string
  name: string
  roles: string
  cards: string
  qr_tokens: string
  fingerprints: string
  pin_hash: string | null
}

const toPerson = (r: PersonRow): Person => ({
  personId: r.person_id,
  stationId: r.station_id,
  name: r.name,
  roles: JSON.parse(r.roles),
  cards: JSON.parse(r.cards),
  qrTokens: JSON.parse(r.qr_tokens),
  fingerprints: JSON.parse(r.fingerprints),
  pinHash: r.pin_hash,
})

/** Tombstones older than this many versions are folded into a full roster instead. */
const MAX_DELTA_SPAN = 1000

/**
 * People and the per-station roster versions kiosks sync by. Every change bumps the
 * version of each station it touches and stamps the changed row (or a tombstone) with it,
 * so a delta is "everything stamped after the version the kiosk holds".
 */
export const peopleTable = {
  /** Inside a transaction: writes, then refuses the lot if any credential now has two owners. */
  async upsert(db: Database, people: readonly Person[]): Promise<void> {
    const stations = new Set<string>()
    for (const p of people) {
      const before = await db.get<{ station_id: string }>(
        'SELECT station_id FROM people WHERE person_id = ?',
        p.personId,
      )
      // moving to another village: the old kiosk must forget the person
      if (before && before.station_id !== p.stationId) {
        await tombstone(db, before.station_id, p.personId)
      }
      const version = await bump(db, p.stationId)
      stations.add(p.stationId)
      await db.run(
        `INSERT INTO people (person_id, station_id, name, roles, cards, qr_tokens, fingerprints, pin_hash, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET station_id = excluded.station_id, name = excluded.name,
           roles = excluded.roles, cards = excluded.cards, qr_tokens = excluded.qr_tokens,
           fingerprints = excluded.fingerprints, pin_hash = excluded.pin_hash, version = excluded.version`,
        p.personId,
        p.stationId,
        p.name,
        JSON.stringify(p.roles),
        JSON.stringify(p.cards),
        JSON.stringify(p.qrTokens),
        JSON.stringify(p.fingerprints),
        p.pinHash,
        version,
      )
    }
    const after = (
      await db.all<PersonRow[]>(
        'SELECT * FROM people WHERE station_id IN (SELECT value FROM json_each(?))',
        JSON.stringify([...stations]),
      )
    ).map(toPerson)
    const clashes = credentialClashes(after)
    if (clashes.length > 0) {
      throw new WorkError('credentialTwice', `nothing saved: ${clashes.slice(0, 5).join('; ')}`, clashes)
    }
  },

  /** Inside a transaction: false when there is no such person. */
  async remove(db: Database, personId: string): Promise<boolean> {
    const row = await db.get<{ station_id: string }>(
      'SELECT station_id FROM people WHERE person_id = ?',
      personId,
    )
    if (!row) return false
    await db.run('DELETE FROM people WHERE person_id = ?', personId)
    await tombstone(db, row.station_id, personId)
    return true
  },

  async list(db: Database, filter: { stationId?: string; townCode?: string } = {}): Promise<Person[]> {
    const rows =
      filter.stationId !== undefined
        ? await db.all<PersonRow[]>(
            'SELECT * FROM people WHERE station_id = ? ORDER BY person_id',
            filter.stationId,
          )
        : filter.townCode !== undefined
          ? await db.all<PersonRow[]>(
              `SELECT * FROM people WHERE station_id IN (SELECT id FROM stations WHERE town_code = ?)
               ORDER BY station_id, person_id`,
              filter.townCode,
            )
          : await db.all<PersonRow[]>('SELECT * FROM people ORDER BY station_id, person_id')
    return rows.map(toPerson)
  },

  async version(db: Database, stationId: string): Promise<number> {
    const row = await db.get<{ version: number }>(
      'SELECT version FROM roster_versions WHERE station_id = ?',
      stationId,
    )
    return row?.version ?? 0
  },

  /**
   * What a kiosk holding `since` needs. A kiosk that holds nothing, or a version the hub
   * never issued (restored from an old backup), or one too far behind, gets it all again.
   */
  async delta(db: Database, stationId: string, since: number): Promise<RosterDelta> {
    const version = await peopleTable.version(db, stationId)
    const full = since <= 0 || since > version || version - since > MAX_DELTA_SPAN
    const upserts = (
      await db.all<PersonRow[]>(
        'SELECT * FROM people WHERE station_id = ? AND version > ? ORDER BY person_id',
        stationId,
        full ? 0 : since,
      )
    ).map(toPerson)
    const changed = new Set(upserts.map((p) => p.personId))
    const removals = full
      ? []
      : (
          await db.all<{ person_id: string }[]>(
            'SELECT DISTINCT person_id FROM people_removed WHERE station_id = ? AND version > ? ORDER BY person_id',
            stationId,
            since,
          )
        )
          .map((r) => r.person_id)
          .filter((id) => !changed.has(id))
    return { stationId, fromVersion: full ? 0 : since, version, full, upserts, removals }
  },
}

async function tombstone(db: Database, stationId: string, personId: string): Promise<void> {
  const v = await bump(db, stationId)
  await db.run(
    'INSERT INTO people_removed (station_id, person_id, version) VALUES (?, ?, ?)',
    stationId,
    personId,
    v,
  )
}

async function bump(db: Database, stationId: string): Promise<number> {
  const r = await db.get<{ version: number }>(
    `INSERT INTO roster_versions (station_id, version) VALUES (?, 1)
     ON CONFLICT (station_id) DO UPDATE SET version = version + 1 RETURNING version`,
    stationId,
  )
  return r?.version ?? 1
}

import type pg from 'pg'
import { credentialClashes } from '../../domain/credentials.js'
import { type Person, type RosterDelta, WorkError } from '../workStore.js'
import type { PgDb } from './pgDb.js'

type Client = pg.PoolClient

interface PersonRow {
  person_id: string
  station_id: string
  name: string
  roles: Person['roles']
  cards: string[]
  qr_tokens: string[]
  fingerprints: number[]
  pin_hash: string | null
}

const COLUMNS = 'person_id, station_id, name, roles, cards, qr_tokens, fingerprints, pin_hash'

const toPerson = (r: PersonRow): Person => ({
  personId: r.person_id,
  stationId: r.station_id,
  name: r.name,
  roles: r.roles,
  cards: r.cards,
  qrTokens: r.qr_tokens,
  fingerprints: r.fingerprints,
  pinHash: r.pin_hash,
})

/** Tombstones older than this many versions are folded into a full roster instead. */
const MAX_DELTA_SPAN = 1000

/** The advisory lock class of a person id (the second key is the id's hash): "peop". */
const PERSON_LOCK = 0x70656f70

/**
 * People and the per-station roster versions kiosks sync by, as sqlite/peopleTable.ts keeps
 * them: every change bumps the version of each station it touches and stamps the changed
 * row (or a tombstone) with it.
 *
 * Several hub processes may save people at once. A writer first takes a lock on each person
 * it writes (an advisory lock, since a new person has no row to lock yet), then the version
 * rows of every station it touches, each kind in one fixed order; so two saves of one person
 * queue and the later one sees where the earlier put them, two saves at one station queue and
 * the later one's credential check sees the earlier's people, and none deadlock.
 */
export const pgPeople = {
  /** Inside a transaction: writes, then refuses the lot if any credential now has two owners. */
  async upsert(c: Client, people: readonly Person[]): Promise<void> {
    if (people.length === 0) return
    const ids = [...new Set(people.map((p) => p.personId))]
    await lockPeople(c, ids)
    const { rows: before } = await c.query<{ person_id: string; station_id: string }>(
      'SELECT person_id, station_id FROM people WHERE person_id = ANY($1)',
      [ids],
    )
    const where = new Map(before.map((r) => [r.person_id, r.station_id]))
    const version = await lockVersions(c, [...where.values(), ...people.map((p) => p.stationId)])
    const bumped = new Set<string>()
    const bump = (stationId: string) => {
      const v = (version.get(stationId) ?? 0) + 1
      version.set(stationId, v)
      bumped.add(stationId)
      return v
    }
    // the batch replayed person by person, as the SQLite store writes it: a person moving to
    // another village leaves a tombstone there, and the last save of a person stands
    const tombstones: { station_id: string; person_id: string; version: number }[] = []
    const rows = new Map<string, PersonRow & { version: number }>()
    for (const p of people) {
      const old = where.get(p.personId)
      if (old !== undefined && old !== p.stationId)
        tombstones.push({ station_id: old, person_id: p.personId, version: bump(old) })
      rows.set(p.personId, {
        person_id: p.personId,
        station_id: p.stationId,
        name: p.name,
        roles: p.roles,
        cards: p.cards,
        qr_tokens: p.qrTokens,
        fingerprints: p.fingerprints,
        pin_hash: p.pinHash,
        version: bump(p.stationId),
      })
      where.set(p.personId, p.stationId)
    }
    if (tombstones.length > 0)
      await c.query(
        `INSERT INTO people_removed (station_id, person_id, version)
         SELECT t.station_id, t.person_id, t.version
         FROM jsonb_to_recordset($1::jsonb) AS t(station_id TEXT, person_id TEXT, version BIGINT)`,
        [JSON.stringify(tombstones)],
      )
    await c.query(
      `INSERT INTO people (${COLUMNS}, version)
       SELECT p.person_id, p.station_id, p.name, p.roles, p.cards, p.qr_tokens, p.fingerprints, p.pin_hash, p.version
       FROM jsonb_to_recordset($1::jsonb) AS p(person_id TEXT, station_id TEXT, name TEXT, roles JSONB, cards JSONB,
            qr_tokens JSONB, fingerprints JSONB, pin_hash TEXT, version BIGINT)
       ORDER BY p.person_id
       ON CONFLICT (person_id) DO UPDATE SET station_id = excluded.station_id, name = excluded.name,
         roles = excluded.roles, cards = excluded.cards, qr_tokens = excluded.qr_tokens,
         fingerprints = excluded.fingerprints, pin_hash = excluded.pin_hash, version = excluded.version`,
      [JSON.stringify([...rows.values()])],
    )
    await c.query(
      `UPDATE roster_versions SET version = v.version
       FROM jsonb_to_recordset($1::jsonb) AS v(station_id TEXT, version BIGINT)
       WHERE roster_versions.station_id = v.station_id`,
      [JSON.stringify([...bumped].map((station_id) => ({ station_id, version: version.get(station_id) })))],
    )
    // in the order the SQLite store reads them (station, then version), so the same clash is
    // told the same way
    const { rows: after } = await c.query<PersonRow>(
      `SELECT ${COLUMNS} FROM people WHERE station_id = ANY($1) ORDER BY station_id COLLATE "C", version`,
      [[...new Set(people.map((p) => p.stationId))]],
    )
    const clashes = credentialClashes(after.map(toPerson))
    if (clashes.length > 0) {
      throw new WorkError('credentialTwice', `nothing saved: ${clashes.slice(0, 5).join('; ')}`, clashes)
    }
  },

  /** Inside a transaction: false when there is no such person. */
  async remove(c: Client, personId: string): Promise<boolean> {
    await lockPeople(c, [personId])
    const { rows } = await c.query<{ station_id: string }>(
      'DELETE FROM people WHERE person_id = $1 RETURNING station_id',
      [personId],
    )
    const row = rows[0]
    if (!row) return false
    await c.query(
      `WITH v AS (
         INSERT INTO roster_versions (station_id, version) VALUES ($1, 1)
         ON CONFLICT (station_id) DO UPDATE SET version = roster_versions.version + 1
         RETURNING version)
       INSERT INTO people_removed (station_id, person_id, version) SELECT $1, $2, version FROM v`,
      [row.station_id, personId],
    )
    return true
  },

  async list(db: PgDb, filter: { stationId?: string; townCode?: string } = {}): Promise<Person[]> {
    const rows =
      filter.stationId !== undefined
        ? await db.query<PersonRow>(
            `SELECT ${COLUMNS} FROM people WHERE station_id = $1 ORDER BY person_id COLLATE "C"`,
            [filter.stationId],
          )
        : filter.townCode !== undefined
          ? await db.query<PersonRow>(
              `SELECT ${COLUMNS} FROM people WHERE station_id IN (SELECT id FROM stations WHERE town_code = $1)
               ORDER BY station_id COLLATE "C", person_id COLLATE "C"`,
              [filter.townCode],
            )
          : await db.query<PersonRow>(
              `SELECT ${COLUMNS} FROM people ORDER BY station_id COLLATE "C", person_id COLLATE "C"`,
            )
    return rows.map(toPerson)
  },

  async version(db: PgDb, stationId: string): Promise<number> {
    const rows = await db.query<{ version: number }>(
      'SELECT version FROM roster_versions WHERE station_id = $1',
      [stationId],
    )
    return rows[0]?.version ?? 0
  },

  /**
   * What a kiosk holding `since` needs; see sqlite/peopleTable.ts. The version is read
   * before the rows, so a save between the two can only tell the kiosk of a change twice
   * (it asks again from the older version), never make it miss one.
   */
  async delta(db: PgDb, stationId: string, since: number): Promise<RosterDelta> {
    const version = await pgPeople.version(db, stationId)
    const full = since <= 0 || since > version || version - since > MAX_DELTA_SPAN
    const upserts = (
      await db.query<PersonRow>(
        `SELECT ${COLUMNS} FROM people WHERE station_id = $1 AND version > $2 ORDER BY person_id COLLATE "C"`,
        [stationId, full ? 0 : since],
      )
    ).map(toPerson)
    const changed = new Set(upserts.map((p) => p.personId))
    const removals = full
      ? []
      : (
          await db.query<{ person_id: string }>(
            `SELECT DISTINCT person_id COLLATE "C" AS person_id FROM people_removed
             WHERE station_id = $1 AND version > $2 ORDER BY 1`,
            [stationId, since],
          )
        )
          .map((r) => r.person_id)
          .filter((id) => !changed.has(id))
    return { stationId, fromVersion: full ? 0 : since, version, full, upserts, removals }
  },
}

/** Locks each person id for the rest of the transaction, in the order of their lock keys. */
async function lockPeople(c: Client, personIds: readonly string[]): Promise<void> {
  await c.query(
    `SELECT pg_advisory_xact_lock($1, k.key)
     FROM (SELECT DISTINCT hashtext(id) AS key FROM unnest($2::text[]) AS id ORDER BY key) AS k`,
    [PERSON_LOCK, personIds],
  )
}

/**
 * Locks the version rows of the stations named, in station order, creating those a station
 * has yet to have (at 0, which the caller's bump then raises), and returns their versions.
 */
async function lockVersions(c: Client, stationIds: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await c.query<{ station_id: string; version: number }>(
    `INSERT INTO roster_versions (station_id, version)
     SELECT DISTINCT s, 0 FROM unnest($1::text[]) AS s ORDER BY s
     ON CONFLICT (station_id) DO UPDATE SET version = roster_versions.version
     RETURNING station_id, version`,
    [stationIds],
  )
  return new Map(rows.map((r) => [r.station_id, r.version]))
}

import { type Database, openDatabase } from '@ejia/platform'
import type { DutyRota, PlannedActivity, RosterPerson, RosterUpdate, StudySummary } from '@ejia/protocol'
import { type CredentialMethod, RosterError, RosterIndex } from '../../domain/credentials/rosterIndex.js'
import type { RosterReplica, StudyStanding } from '../../ports/roster.js'

const migrations = [
  {
    version: 1,
    name: 'roster replica',
    sql: `
      CREATE TABLE people (person_id TEXT PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE study (person_id TEXT PRIMARY KEY, body TEXT NOT NULL);
      -- parts of an update that is not complete yet; at most one update at a time
      CREATE TABLE staged (update_key TEXT NOT NULL, part INTEGER NOT NULL, body TEXT NOT NULL,
                           PRIMARY KEY (update_key, part));
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
]

/**
 * The station's roster and study hours in roster.db, as the hub last sent them. Sign-in
 * reads the in-memory index; an update is staged part by part and applied in one
 * transaction when the last part arrives, and only then does the index change. A kiosk
 * killed halfway keeps its old roster and the parts it had; the hub resends the rest.
 */
export class SqliteRoster implements RosterReplica {
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly db: Database,
    private index: RosterIndex,
    private studyBy: Map<string, StudySummary>,
    private studyAsOf: string,
    private held: number,
    private work: { rotas: DutyRota[]; plans: PlannedActivity[] },
  ) {}

  static async open(file: string): Promise<SqliteRoster> {
    const db = await openDatabase(file, { migrations, synchronous: 'FULL' })
    try {
      const people = (await db.all<{ body: string }[]>('SELECT body FROM people')).map(
        (r) => JSON.parse(r.body) as RosterPerson,
      )
      const study = (await db.all<{ body: string }[]>('SELECT body FROM study')).map(
        (r) => JSON.parse(r.body) as StudySummary,
      )
      const meta = new Map(
        (await db.all<{ key: string; value: string }[]>('SELECT key, value FROM meta')).map((r) => [
          r.key,
          r.value,
        ]),
      )
      return new SqliteRoster(
        db,
        new RosterIndex(people),
        new Map(study.map((s) => [s.personId, s])),
        meta.get('studyAsOf') ?? '',
        Number(meta.get('version') ?? 0),
        {
          rotas: JSON.parse(meta.get('rotas') ?? '[]') as DutyRota[],
          plans: JSON.parse(meta.get('plans') ?? '[]') as PlannedActivity[],
        },
      )
    } catch (err) {
      await db.close()
      throw err
    }
  }

  get version(): string {
    return `hub:${this.held}`
  }

  get syncedVersion(): number {
    return this.held
  }

  get size(): number {
    return this.index.size
  }

  lookup(method: CredentialMethod, credential: string): RosterPerson | undefined {
    return this.index.lookup(method, credential)
  }

  person(personId: string): RosterPerson | undefined {
    return this.index.person(personId)
  }

  study(personId: string): StudyStanding | undefined {
    const s = this.studyBy.get(personId)
    return s ? { ...s, asOf: this.studyAsOf } : undefined
  }

  rotas(): readonly DutyRota[] {
    return this.work.rotas
  }

  plans(): readonly PlannedActivity[] {
    return this.work.plans
  }

  /** One part at a time, in arrival order, whatever the uplink does. */
  receive(part: RosterUpdate): Promise<'staged' | 'applied' | 'stale'> {
    const run = () => this.receiveNow(part)
    const result = this.queue.then(run, run)
    this.queue = result.catch(() => undefined)
    return result
  }

  forget(): Promise<void> {
    const run = async () => {
      await this.db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('version', '0')")
      await this.db.run('DELETE FROM staged')
      this.held = 0
    }
    const result = this.queue.then(run, run)
    this.queue = result.catch(() => undefined)
    return result
  }

  async close(): Promise<void> {
    await this.queue
    await this.db.close()
  }

  private async receiveNow(part: RosterUpdate): Promise<'staged' | 'applied' | 'stale'> {
    // a delta is only good on top of the version it was made from
    if (!part.full && part.fromVersion !== this.held) return 'stale'
    if (part.part >= part.parts) return 'stale'
    const key = `${part.full ? 'full' : part.fromVersion}>${part.version}/${part.parts}@${part.studyAsOf}`
    const { db } = this
    await db.exec('BEGIN IMMEDIATE')
    try {
      await db.run('DELETE FROM staged WHERE update_key <> ?', key)
      await db.run(
        'INSERT OR REPLACE INTO staged (update_key, part, body) VALUES (?, ?, ?)',
        key,
        part.part,
        JSON.stringify(part),
      )
      const rows = await db.all<{ body: string }[]>(
        'SELECT body FROM staged WHERE update_key = ? ORDER BY part',
        key,
      )
      if (rows.length < part.parts) {
        await db.exec('COMMIT')
        return 'staged'
      }
      const parts = rows.map((r) => JSON.parse(r.body) as RosterUpdate)
      const next = await this.applyIn(db, part, parts)
      await db.run('DELETE FROM staged')
      await db.exec('COMMIT')
      ;[this.index, this.studyBy, this.studyAsOf, this.held, this.work] = next
      return 'applied'
    } catch (err) {
      await db.exec('ROLLBACK').catch(() => undefined)
      if (err instanceof RosterError) {
        // a roster the kiosk cannot use is dropped whole; the old one stays in force
        await db.run('DELETE FROM staged').catch(() => undefined)
        throw err
      }
      throw new RosterError('rosterStorage', `roster update not stored: ${(err as Error).message}`, {
        cause: err,
      })
    }
  }

  private async applyIn(
    db: Database,
    head: RosterUpdate,
    parts: RosterUpdate[],
  ): Promise<
    [RosterIndex, Map<string, StudySummary>, string, number, { rotas: DutyRota[]; plans: PlannedActivity[] }]
  > {
    const people = new Map<string, RosterPerson>()
    if (!head.full) {
      for (const r of await db.all<{ person_id: string; body: string }[]>('SELECT * FROM people')) {
        people.set(r.person_id, JSON.parse(r.body) as RosterPerson)
      }
    }
    const upserts = parts.flatMap((p) => p.upserts)
    const removals = parts.flatMap((p) => p.removals)
    for (const id of removals) people.delete(id)
    for (const p of upserts) people.set(p.personId, p)
    // refuses a roster with one credential on two people before anything is written
    const index = new RosterIndex(people.values())

    if (head.full) await db.run('DELETE FROM people')
    for (const id of removals) await db.run('DELETE FROM people WHERE person_id = ?', id)
    for (const p of upserts) {
      await db.run(
        'INSERT OR REPLACE INTO people (person_id, body) VALUES (?, ?)',
        p.personId,
        JSON.stringify(p),
      )
    }
    const study = parts.flatMap((p) => p.study)
    await db.run('DELETE FROM study')
    for (const s of study) {
      await db.run(
        'INSERT OR REPLACE INTO study (person_id, body) VALUES (?, ?)',
        s.personId,
        JSON.stringify(s),
      )
    }
    await db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('version', ?)", String(head.version))
    await db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('studyAsOf', ?)", head.studyAsOf)
    // an update from an older hub carries neither: keep what the kiosk has
    const withWork = parts.find((p) => p.rotas !== undefined || p.plans !== undefined)
    const work = {
      rotas: withWork?.rotas ?? this.work.rotas,
      plans: withWork?.plans ?? this.work.plans,
    }
    await db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('rotas', ?)", JSON.stringify(work.rotas))
    await db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('plans', ?)", JSON.stringify(work.plans))
    return [index, new Map(study.map((s) => [s.personId, s])), head.studyAsOf, head.version, work]
  }
}

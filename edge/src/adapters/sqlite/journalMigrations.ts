import type { Migration } from '@ejia/platform'

export const journalMigrations: Migration[] = [
  {
    version: 1,
    name: 'events and meta',
    sql: `
      -- AUTOINCREMENT: a sequence number is never reused, even after old rows are pruned.
      CREATE TABLE events (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        id            TEXT    NOT NULL UNIQUE,
        type          TEXT    NOT NULL,
        time          TEXT    NOT NULL,
        body          TEXT    NOT NULL,
        recorded_at   INTEGER NOT NULL,
        -- set when a commit ack names the event: 'accepted' (the hub has it, stored now or
        -- before) or 'rejected' (refused for good; kept as a dead letter)
        acked_at      INTEGER,
        ack_status    TEXT CHECK (ack_status IN ('accepted', 'rejected')),
        reject_code   TEXT,
        reject_reason TEXT
      );
      CREATE INDEX events_pending ON events (seq) WHERE acked_at IS NULL;
      CREATE INDEX events_rejected ON events (seq) WHERE ack_status = 'rejected';
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
]

/**
 * The tamper-evident journal (issue 10): each event's hash, the hash of the one before it,
 * and the station's signature; NULL on events from before it, or written by an older agent
 * after a rollback. Added without a schema version, so that agent still opens the file.
 */
export const journalChainColumns = { prev: 'TEXT', hash: 'TEXT', sig: 'TEXT' } as const

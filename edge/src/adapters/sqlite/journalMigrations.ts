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
        acked_at      INTEGER,
        ack_status    TEXT CHECK (ack_status IN ('accepted', 'duplicate', 'rejected')),
        reject_code   TEXT,
        reject_reason TEXT
      );
      CREATE INDEX events_pending ON events (seq) WHERE acked_at IS NULL;
      CREATE INDEX events_rejected ON events (seq) WHERE ack_status = 'rejected';
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
]

import type { Migration } from '@ejia/platform'

export const hubMigrations: Migration[] = [
  {
    version: 1,
    name: 'ledger, registry, station state, counters, rejects',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE towns (code TEXT PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE stations (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        tier          TEXT NOT NULL,
        town_code     TEXT NOT NULL,
        contact_name  TEXT,
        contact_phone TEXT,
        in_registry   INTEGER NOT NULL DEFAULT 1,
        -- live state, saved so a restarted hub still knows what it last saw
        connected     INTEGER NOT NULL DEFAULT 0,
        status_reason TEXT,
        status_since  TEXT,
        last_seen_at  INTEGER,
        clock_skew_ms INTEGER,
        heartbeat     TEXT,
        -- ledger summary, kept in the same transaction as the events
        event_count   INTEGER NOT NULL DEFAULT 0,
        seq_max       INTEGER NOT NULL DEFAULT 0
      );
      -- the ledger: ingest_id orders events as the hub received them
      CREATE TABLE events (
        ingest_id   INTEGER PRIMARY KEY,
        station_id  TEXT    NOT NULL,
        event_id    TEXT    NOT NULL,
        seq         INTEGER NOT NULL,
        type        TEXT    NOT NULL,
        device_time TEXT    NOT NULL,
        received_at INTEGER NOT NULL,
        body        TEXT    NOT NULL,
        UNIQUE (station_id, event_id)
      );
      CREATE INDEX events_station_seq ON events (station_id, seq);
      CREATE INDEX events_type_time ON events (type, device_time);
      CREATE INDEX events_time ON events (device_time);
      CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
      CREATE TABLE rejects (
        id         INTEGER PRIMARY KEY,
        at         INTEGER NOT NULL,
        station_id TEXT,
        topic      TEXT NOT NULL,
        code       TEXT NOT NULL,
        detail     TEXT NOT NULL,
        excerpt    TEXT NOT NULL
      );
    `,
  },
]

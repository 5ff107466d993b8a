import type { Migration } from '@ejia/platform'

/**
 * The PostgreSQL schema of the Storage port: the same tables and meaning as the SQLite
 * ledger (sqlite/migrations.ts, version 1), in PostgreSQL's types. Event bodies and
 * heartbeats are JSONB; device times stay the kiosk's RFC 3339 text, compared as text
 * exactly as on SQLite; hub times are milliseconds since the epoch.
 */
export const pgMigrations: Migration[] = [
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
        in_registry   BOOLEAN NOT NULL DEFAULT true,
        connected     BOOLEAN NOT NULL DEFAULT false,
        status_reason TEXT,
        status_since  TEXT,
        last_seen_at  BIGINT,
        clock_skew_ms BIGINT,
        heartbeat     JSONB,
        event_count   BIGINT NOT NULL DEFAULT 0,
        seq_max       BIGINT NOT NULL DEFAULT 0
      );
      CREATE TABLE events (
        ingest_id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        station_id  TEXT   NOT NULL,
        event_id    TEXT   NOT NULL,
        seq         BIGINT NOT NULL,
        type        TEXT   NOT NULL,
        device_time TEXT   NOT NULL,
        received_at BIGINT NOT NULL,
        body        JSONB  NOT NULL,
        UNIQUE (station_id, event_id)
      );
      CREATE INDEX events_station_seq ON events (station_id, seq);
      CREATE INDEX events_type_time ON events (type, device_time);
      CREATE INDEX events_time ON events (device_time);
      CREATE INDEX events_person ON events ((body ->> 'personId'));
      CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);
      CREATE TABLE rejects (
        id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at         BIGINT NOT NULL,
        station_id TEXT,
        topic      TEXT NOT NULL,
        code       TEXT NOT NULL,
        detail     TEXT NOT NULL,
        excerpt    TEXT NOT NULL
      );
    `,
  },
]

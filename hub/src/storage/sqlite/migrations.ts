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

/**
 * The organisation's work (issue 5): people and their credentials, duty rotas and
 * corrections, planned activities and their leave, study hours, inspection samples, and
 * the audit trail of operator actions.
 */
hubMigrations.push({
  version: 2,
  name: 'people, duty, activities, study hours, inspections, audit',
  sql: `
    CREATE TABLE people (
      person_id    TEXT PRIMARY KEY,
      station_id   TEXT NOT NULL,
      name         TEXT NOT NULL,
      roles        TEXT NOT NULL,
      cards        TEXT NOT NULL DEFAULT '[]',
      qr_tokens    TEXT NOT NULL DEFAULT '[]',
      fingerprints TEXT NOT NULL DEFAULT '[]',
      pin_hash     TEXT,
      version      INTEGER NOT NULL
    );
    CREATE INDEX people_station ON people (station_id, version);
    -- a person removed from a station's roster, so a delta can tell the kiosk
    CREATE TABLE people_removed (station_id TEXT NOT NULL, person_id TEXT NOT NULL, version INTEGER NOT NULL);
    CREATE INDEX people_removed_station ON people_removed (station_id, version);
    CREATE TABLE roster_versions (station_id TEXT PRIMARY KEY, version INTEGER NOT NULL);
    CREATE TABLE duty_schedules (station_id TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE duty_corrections (
      id           INTEGER PRIMARY KEY,
      station_id   TEXT NOT NULL,
      person_id    TEXT NOT NULL,
      direction    TEXT NOT NULL CHECK (direction IN ('in', 'out')),
      at           INTEGER NOT NULL,
      reason       TEXT NOT NULL,
      requested_by TEXT NOT NULL,
      requested_at INTEGER NOT NULL,
      status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
      decided_by   TEXT,
      decided_at   INTEGER
    );
    CREATE INDEX duty_corrections_station ON duty_corrections (station_id, at);
    CREATE TABLE activity_plans (
      activity_id TEXT PRIMARY KEY,
      station_id  TEXT NOT NULL,
      date        TEXT NOT NULL,
      body        TEXT NOT NULL
    );
    CREATE INDEX activity_plans_date ON activity_plans (date, station_id);
    CREATE TABLE study_entries (
      id        INTEGER PRIMARY KEY,
      person_id TEXT NOT NULL,
      hours     REAL NOT NULL,
      source    TEXT NOT NULL,
      ref       TEXT NOT NULL,
      date      TEXT NOT NULL
    );
    CREATE INDEX study_entries_person ON study_entries (person_id, date);
    CREATE TABLE inspections (month TEXT PRIMARY KEY, seed INTEGER NOT NULL, drawn_at INTEGER NOT NULL, stations TEXT NOT NULL);
    CREATE TABLE audit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
    CREATE INDEX events_checkin_activity ON events (type, json_extract(body, '$.activityId'));
  `,
})

/** Alarms operators must see and acknowledge, such as a station unmanned in its duty hours. */
hubMigrations.push({
  version: 3,
  name: 'alarms',
  sql: `
    CREATE TABLE alarms (
      id           INTEGER PRIMARY KEY,
      kind         TEXT NOT NULL,
      station_id   TEXT NOT NULL,
      raised_at    INTEGER NOT NULL,
      detail       TEXT NOT NULL,
      cleared_at   INTEGER,
      clear_reason TEXT,
      acked_by     TEXT,
      acked_at     INTEGER
    );
    CREATE INDEX alarms_active ON alarms (kind, station_id) WHERE cleared_at IS NULL;
    CREATE INDEX alarms_raised ON alarms (raised_at);
  `,
})

/**
 * Rotas with the date they apply from: a rota changed today must not rewrite how last
 * month's shifts are judged. The rotas there were apply from the start.
 */
hubMigrations.push({
  version: 4,
  name: 'rota versions',
  sql: `
    CREATE TABLE duty_rotas (
      station_id TEXT NOT NULL,
      valid_from TEXT NOT NULL,
      body       TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (station_id, valid_from)
    );
    INSERT INTO duty_rotas (station_id, valid_from, body, updated_at)
      SELECT station_id, '', body, updated_at FROM duty_schedules;
    DROP TABLE duty_schedules;
  `,
})

/**
 * Operators of the dashboard and API, their browser sessions and their API tokens. Session
 * ids and token secrets are stored as SHA-256 digests (high-entropy, so no slow hash needed);
 * passwords as scrypt.
 */
hubMigrations.push({
  version: 5,
  name: 'operators, sessions, api tokens',
  sql: `
    CREATE TABLE operators (
      username            TEXT PRIMARY KEY,
      display_name        TEXT NOT NULL,
      tier                TEXT NOT NULL CHECK (tier IN ('district', 'town', 'station')),
      scope               TEXT,
      password_hash       TEXT NOT NULL,
      disabled            INTEGER NOT NULL DEFAULT 0,
      created_at          INTEGER NOT NULL,
      password_changed_at INTEGER NOT NULL
    );
    CREATE TABLE sessions (
      id_hash      TEXT PRIMARY KEY,
      username     TEXT NOT NULL REFERENCES operators (username) ON DELETE CASCADE,
      csrf         TEXT NOT NULL,
      created_at   INTEGER NOT NULL,
      expires_at   INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL
    );
    CREATE INDEX sessions_by_operator ON sessions (username);
    CREATE TABLE api_tokens (
      id           TEXT PRIMARY KEY,
      hash         TEXT NOT NULL UNIQUE,
      username     TEXT NOT NULL REFERENCES operators (username) ON DELETE CASCADE,
      name         TEXT NOT NULL,
      created_at   INTEGER NOT NULL,
      last_used_at INTEGER
    );
  `,
})

/**
 * Alarms from the fleet watch (issue 7): a subject (the device of a device fault), at most one
 * open alarm per kind, station and subject, and the person who resolved one with their note.
 * Should an old file hold two open alarms of a kind for one station, the newer is closed.
 */
hubMigrations.push({
  version: 6,
  name: 'alarm subjects and resolutions',
  sql: `
    ALTER TABLE alarms ADD COLUMN subject TEXT NOT NULL DEFAULT '';
    ALTER TABLE alarms ADD COLUMN resolved_by TEXT;
    ALTER TABLE alarms ADD COLUMN resolved_at INTEGER;
    ALTER TABLE alarms ADD COLUMN resolve_note TEXT;
    UPDATE alarms SET cleared_at = raised_at, clear_reason = 'duplicate'
      WHERE cleared_at IS NULL AND id NOT IN
        (SELECT min(id) FROM alarms WHERE cleared_at IS NULL GROUP BY kind, station_id);
    DROP INDEX alarms_active;
    CREATE UNIQUE INDEX alarms_open ON alarms (kind, station_id, subject) WHERE cleared_at IS NULL;
    CREATE INDEX alarms_resolved ON alarms (resolved_at) WHERE resolved_at IS NOT NULL;
  `,
})

/**
 * Remote config and commands (issue 7): every config pushed to a station, kept as history
 * (the highest version is the desired one); what each kiosk last reported, from its
 * retained configState and its heartbeats; and every command with its answers.
 */
hubMigrations.push({
  version: 7,
  name: 'station configs and commands',
  sql: `
    CREATE TABLE station_configs (
      station_id TEXT    NOT NULL,
      version    INTEGER NOT NULL,
      settings   TEXT    NOT NULL,
      issued_by  TEXT    NOT NULL,
      issued_at  INTEGER NOT NULL,
      PRIMARY KEY (station_id, version)
    );
    CREATE TABLE station_config_reports (
      station_id        TEXT PRIMARY KEY,
      desired_version   INTEGER,
      applied_version   INTEGER,
      state             TEXT CHECK (state IN ('applied', 'rejected')),
      problems          TEXT,
      reported_at       TEXT,
      received_at       INTEGER,
      heartbeat_version INTEGER,
      heartbeat_at      INTEGER
    );
    CREATE TABLE station_commands (
      command_id  TEXT PRIMARY KEY,
      station_id  TEXT    NOT NULL,
      name        TEXT    NOT NULL,
      args        TEXT    NOT NULL,
      issued_by   TEXT    NOT NULL,
      issued_at   INTEGER NOT NULL,
      expires_at  INTEGER NOT NULL,
      state       TEXT    NOT NULL
        CHECK (state IN ('pending', 'accepted', 'succeeded', 'failed', 'rejected', 'expired')),
      detail      TEXT,
      accepted_at INTEGER,
      finished_at INTEGER,
      sent_at     INTEGER NOT NULL,
      sends       INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX station_commands_by_station ON station_commands (station_id, issued_at);
    CREATE INDEX station_commands_open ON station_commands (station_id) WHERE state IN ('pending', 'accepted');
  `,
})

/**
 * A person's records (`/api/events?person=`) by an index on the person the event names,
 * rather than a scan of the ledger; the expression matches the query's exactly, so SQLite
 * uses it.
 */
hubMigrations.push({
  version: 8,
  name: 'events by person',
  sql: `CREATE INDEX events_by_person ON events (json_extract(body, '$.personId'), ingest_id);`,
})

/**
 * Station secrets rotated from the hub (issue 7, `rotateCredentials`): the SHA-256 of a
 * rotated secret that overrides the registry's, and of one sent to a kiosk but not yet in
 * force. Never a secret: the hub holds a secret it sends only in memory.
 */
hubMigrations.push({
  version: 9,
  name: 'station secrets',
  sql: `
    CREATE TABLE station_secrets (
      station_id         TEXT PRIMARY KEY,
      registry_sha256    TEXT NOT NULL,
      current_sha256     TEXT,
      rotated_at         INTEGER,
      pending_sha256     TEXT,
      pending_command_id TEXT,
      pending_expires_at INTEGER
    );
  `,
})

/**
 * Revoked stations (issue 8): refused at connect, by the broker and for photo uploads,
 * until a district operator unrevokes them. Kept here so a revocation outlives a restart
 * and a registry that does not carry it.
 */
hubMigrations.push({
  version: 10,
  name: 'station revocations',
  sql: `
    CREATE TABLE station_revocations (
      station_id TEXT PRIMARY KEY,
      revoked_at INTEGER NOT NULL,
      revoked_by TEXT    NOT NULL,
      reason     TEXT    NOT NULL
    );
  `,
})

/**
 * The tamper-evident journal (issue 10): each event's hash, its link to the one before and
 * the station's signature; the journal key pinned for each station; and what the chain
 * check found (hub/src/ingest/chainCheck.ts).
 */
hubMigrations.push({
  version: 11,
  name: 'event hash chain, journal keys, integrity findings',
  sql: `
    ALTER TABLE events ADD COLUMN prev_hash TEXT;
    ALTER TABLE events ADD COLUMN hash TEXT;
    ALTER TABLE events ADD COLUMN sig TEXT;
    CREATE TABLE journal_keys (
      station_id TEXT    PRIMARY KEY,
      public_key TEXT    NOT NULL,
      pinned_at  INTEGER NOT NULL,
      first_seq  INTEGER NOT NULL
    );
    CREATE TABLE integrity_findings (
      id         INTEGER PRIMARY KEY,
      at         INTEGER NOT NULL,
      station_id TEXT    NOT NULL,
      kind       TEXT    NOT NULL,
      seq        INTEGER,
      event_id   TEXT,
      detail     TEXT    NOT NULL,
      event      TEXT
    );
    CREATE INDEX integrity_findings_station ON integrity_findings (station_id, id);
  `,
})

/**
 * The clock skew of the batch that carried each event: the hub's receipt minus the batch's
 * `sentAt` (issue 10). A punch sent by a kiosk whose clock was behind does not count at its
 * device time (domain/duty/deviceTime.ts); NULL on events stored before.
 */
hubMigrations.push({
  version: 12,
  name: 'batch clock skew per event',
  sql: 'ALTER TABLE events ADD COLUMN sent_skew_ms INTEGER;',
})

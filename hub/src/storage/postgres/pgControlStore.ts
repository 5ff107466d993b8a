import type { CommandResult, ConfigState } from '@ejia/protocol'
import type {
  CommandQuery,
  ControlStore,
  DesiredConfig,
  HubCommandState,
  NewCommand,
  ReportedConfig,
  StationCommand,
} from '../controlStore.js'
import { KeyedQueue } from './keyedQueue.js'
import type { PgDb } from './pgDb.js'

/** The key space of the per-station advisory locks config pushes take ("cfgv"). */
const CONFIG_LOCKS = 0x63666776

const EXPIRED_DETAIL = 'no answer from the kiosk before it expired'

const CONFIG_COLUMNS = 'station_id, version, settings, issued_by, issued_at'
interface ConfigRow {
  station_id: string
  version: number
  settings: Record<string, unknown>
  issued_by: string
  issued_at: number
}
const toConfig = (r: ConfigRow): DesiredConfig => ({
  stationId: r.station_id,
  version: r.version,
  settings: r.settings,
  issuedBy: r.issued_by,
  issuedAt: r.issued_at,
})

const COMMAND_COLUMNS = `command_id, station_id, name, args, issued_by, issued_at, expires_at, state, detail,
  accepted_at, finished_at, sent_at, sends`
interface CommandRow {
  command_id: string
  station_id: string
  name: string
  args: Record<string, unknown>
  issued_by: string
  issued_at: number
  expires_at: number
  state: HubCommandState
  detail: string | null
  accepted_at: number | null
  finished_at: number | null
  sent_at: number
  sends: number
}
const toCommand = (r: CommandRow): StationCommand => ({
  commandId: r.command_id,
  stationId: r.station_id,
  name: r.name,
  args: r.args,
  issuedBy: r.issued_by,
  issuedAt: r.issued_at,
  expiresAt: r.expires_at,
  state: r.state,
  detail: r.detail,
  acceptedAt: r.accepted_at,
  finishedAt: r.finished_at,
  sentAt: r.sent_at,
  sends: r.sends,
})

const audit = 'INSERT INTO audit (at, actor, action, detail) VALUES ($1, $2, $3, $4::jsonb)'

/**
 * Remote config and commands in the hub's PostgreSQL database (pgMigrations.ts, version 2),
 * answering exactly as sqliteControlStore.ts. Where SQLite's single writer made things so,
 * this says how: config versions are numbered under a per-station lock; what a kiosk sends
 * is written in the order it arrived, per station (KeyedQueue); commands several writers
 * update at once (resends, expiry) are locked in command id order.
 */
export class PgControlStore implements ControlStore {
  /** Writes of what kiosks send, one station's at a time in arrival order. */
  private readonly fromKiosks = new KeyedQueue()

  constructor(private readonly db: PgDb) {}

  pushConfig(
    stationIds: readonly string[],
    settings: Record<string, unknown>,
    by: string,
    at: number,
    target: unknown,
  ): Promise<DesiredConfig[]> {
    return this.db.transaction(async (c) => {
      // One push at a time per station, until commit: the highest version is read after
      // the lock (a statement of its own, so its snapshot sees the push before), keeping
      // versions unique and gap-free. Taken in key order, so overlapping pushes queue, and
      // a push to many stations is ordered against any other push to one of them.
      await c.query(
        `SELECT pg_advisory_xact_lock($1, k.h)
         FROM (SELECT DISTINCT hashtext(id) AS h FROM unnest($2::text[]) AS id ORDER BY h) AS k`,
        [CONFIG_LOCKS, stationIds],
      )
      // a station named twice gets two versions, as the SQLite store's one insert per entry does
      const { rows } = await c.query<{ station_id: string; version: number }>(
        `WITH next AS (
           SELECT s.id, s.n, coalesce(m.v, 0) + row_number() OVER (PARTITION BY s.id ORDER BY s.n) AS version
           FROM unnest($1::text[]) WITH ORDINALITY AS s(id, n)
           LEFT JOIN (SELECT station_id, max(version) AS v FROM station_configs
                      WHERE station_id = ANY($1) GROUP BY station_id) AS m ON m.station_id = s.id
         ), inserted AS (
           INSERT INTO station_configs (${CONFIG_COLUMNS}) SELECT id, version, $2::jsonb, $3, $4 FROM next
         )
         SELECT id AS station_id, version FROM next ORDER BY n`,
        [stationIds, JSON.stringify(settings), by, at],
      )
      const out = rows.map((r) => ({
        stationId: r.station_id,
        version: r.version,
        settings,
        issuedBy: by,
        issuedAt: at,
      }))
      await c.query(audit, [
        at,
        by,
        'config.push',
        JSON.stringify({ target, settings, versions: out.map((v) => [v.stationId, v.version]) }),
      ])
      return out
    })
  }

  async desiredConfigs(): Promise<DesiredConfig[]> {
    // the highest version per station from the primary key alone, then only those rows read whole
    const rows = await this.db.query<ConfigRow>(
      `SELECT c.station_id, c.version, c.settings, c.issued_by, c.issued_at FROM station_configs c
       JOIN (SELECT station_id, max(version) AS v FROM station_configs GROUP BY station_id) m
         ON m.station_id = c.station_id AND m.v = c.version
       ORDER BY c.station_id`,
    )
    return rows.map(toConfig)
  }

  async configHistory(stationId: string, limit: number): Promise<DesiredConfig[]> {
    const rows = await this.db.query<ConfigRow>(
      `SELECT ${CONFIG_COLUMNS} FROM station_configs WHERE station_id = $1 ORDER BY version DESC LIMIT $2`,
      [stationId, limit],
    )
    return rows.map(toConfig)
  }

  recordConfigState(stationId: string, s: ConfigState, at: number): Promise<void> {
    return this.fromKiosks.run(stationId, async () => {
      await this.db.transaction((c) =>
        c.query(
          `INSERT INTO station_config_reports
             (station_id, desired_version, applied_version, state, problems, reported_at, received_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
           ON CONFLICT (station_id) DO UPDATE SET desired_version = excluded.desired_version,
             applied_version = excluded.applied_version, state = excluded.state,
             problems = excluded.problems, reported_at = excluded.reported_at, received_at = excluded.received_at`,
          [
            stationId,
            s.desiredVersion,
            s.appliedVersion,
            s.state,
            JSON.stringify(s.problems ?? []),
            s.at,
            at,
          ],
        ),
      )
    })
  }

  recordHeartbeatConfig(stationId: string, version: number, at: number): Promise<void> {
    return this.fromKiosks.run(stationId, async () => {
      await this.db.transaction((c) =>
        c.query(
          `INSERT INTO station_config_reports (station_id, heartbeat_version, heartbeat_at) VALUES ($1, $2, $3)
           ON CONFLICT (station_id) DO UPDATE SET heartbeat_version = excluded.heartbeat_version,
             heartbeat_at = excluded.heartbeat_at`,
          [stationId, version, at],
        ),
      )
    })
  }

  async reports(): Promise<ReportedConfig[]> {
    const rows = await this.db.query<{
      station_id: string
      desired_version: number | null
      applied_version: number | null
      state: 'applied' | 'rejected' | null
      problems: ReportedConfig['problems'] | null
      reported_at: string | null
      heartbeat_version: number | null
      heartbeat_at: number | null
    }>(
      `SELECT station_id, desired_version, applied_version, state, problems, reported_at, heartbeat_version,
         heartbeat_at
       FROM station_config_reports ORDER BY station_id`,
    )
    return rows.map((r) => ({
      stationId: r.station_id,
      desiredVersion: r.desired_version,
      appliedVersion: r.applied_version,
      state: r.state,
      problems: r.problems ?? [],
      reportedAt: r.reported_at,
      heartbeatVersion: r.heartbeat_version,
      heartbeatAt: r.heartbeat_at,
    }))
  }

  issueCommands(commands: readonly NewCommand[], by: string, at: number): Promise<StationCommand[]> {
    return this.db.transaction(async (c) => {
      await c.query(
        `INSERT INTO station_commands (command_id, station_id, name, args, issued_by, issued_at, expires_at, state,
           sent_at)
         SELECT n."commandId", n."stationId", n.name, n.args, $2, $3, n."expiresAt", 'pending', $3
         FROM jsonb_to_recordset($1::jsonb)
           AS n("commandId" TEXT, "stationId" TEXT, name TEXT, args JSONB, "expiresAt" BIGINT)
         ORDER BY n."commandId"`,
        [JSON.stringify(commands), by, at],
      )
      const first = commands[0]
      await c.query(audit, [
        at,
        by,
        'command.issue',
        JSON.stringify({
          name: first?.name,
          args: first?.args,
          commands: commands.map((n) => [n.stationId, n.commandId]),
        }),
      ])
      return commands.map((n) => ({
        ...n,
        issuedBy: by,
        issuedAt: at,
        state: 'pending' as const,
        detail: null,
        acceptedAt: null,
        finishedAt: null,
        sentAt: at,
        sends: 1,
      }))
    })
  }

  recordCommandResult(stationId: string, r: CommandResult, at: number): Promise<boolean> {
    // `accepted` only moves a pending command on; a final answer ends pending or accepted
    // ones, so answers that arrive out of order or twice change nothing
    return this.fromKiosks.run(stationId, async () => {
      const res = await this.db.transaction((c) =>
        r.state === 'accepted'
          ? c.query(
              `UPDATE station_commands SET state = 'accepted', accepted_at = $1
               WHERE command_id = $2 AND station_id = $3 AND state = 'pending'`,
              [at, r.commandId, stationId],
            )
          : c.query(
              `UPDATE station_commands SET state = $1, detail = $2, finished_at = $3
               WHERE command_id = $4 AND station_id = $5 AND state IN ('pending', 'accepted')`,
              [r.state, r.detail ?? null, at, r.commandId, stationId],
            ),
      )
      return (res.rowCount ?? 0) > 0
    })
  }

  async commands(q: CommandQuery): Promise<StationCommand[]> {
    // every filter is a bound parameter; only these fixed fragments are ever spliced in
    const filters: [string, string | undefined][] = [
      ['c.station_id = $', q.stationId],
      ['s.town_code = $', q.townCode],
      ['c.state = $', q.state],
    ]
    const used = filters.filter(([, v]) => v !== undefined)
    const where = used.map(([sql], i) => sql.replace('$', `$${i + 1}`))
    const params = [...used.map(([, v]) => v), q.limit]
    const rows = await this.db.query<CommandRow>(
      `SELECT c.* FROM station_commands c JOIN stations s ON s.id = c.station_id
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY c.issued_at DESC, c.command_id DESC LIMIT $${params.length}`,
      params,
    )
    return rows.map(toCommand)
  }

  async unanswered(stationId: string, now: number): Promise<StationCommand[]> {
    const rows = await this.db.query<CommandRow>(
      `SELECT ${COMMAND_COLUMNS} FROM station_commands
       WHERE station_id = $1 AND state = 'pending' AND expires_at > $2
       ORDER BY issued_at, command_id`,
      [stationId, now],
    )
    return rows.map(toCommand)
  }

  async markResent(commandIds: readonly string[], at: number): Promise<void> {
    if (commandIds.length === 0) return
    await this.db.transaction(async (c) => {
      // in command id order, as expireCommands locks them, so the two queue rather than deadlock
      await c.query(
        'SELECT 1 FROM station_commands WHERE command_id = ANY($1) ORDER BY command_id FOR UPDATE',
        [commandIds],
      )
      await c.query(
        'UPDATE station_commands SET sent_at = $1, sends = sends + 1 WHERE command_id = ANY($2)',
        [at, commandIds],
      )
    })
  }

  expireCommands(now: number): Promise<number> {
    return this.db.transaction(async (c) => {
      // a command answered meanwhile is read again once its lock is free, and no longer pending
      const { rows } = await c.query<{ command_id: string }>(
        `SELECT command_id FROM station_commands WHERE state = 'pending' AND expires_at <= $1
         ORDER BY command_id FOR UPDATE`,
        [now],
      )
      if (rows.length === 0) return 0
      const res = await c.query(
        `UPDATE station_commands SET state = 'expired', finished_at = $1, detail = $2
         WHERE command_id = ANY($3)`,
        [now, EXPIRED_DETAIL, rows.map((r) => r.command_id)],
      )
      return res.rowCount ?? 0
    })
  }
}

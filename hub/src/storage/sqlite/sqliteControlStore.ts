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
import type { HubDb } from './hubDb.js'

interface ConfigRow {
  station_id: string
  version: number
  settings: string
  issued_by: string
  issued_at: number
}
const toConfig = (r: ConfigRow): DesiredConfig => ({
  stationId: r.station_id,
  version: r.version,
  settings: JSON.parse(r.settings),
  issuedBy: r.issued_by,
  issuedAt: r.issued_at,
})

interface CommandRow {
  command_id: string
  station_id: string
  name: string
  args: string
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
  args: JSON.parse(r.args),
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

const audit = 'INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)'

/** Remote config and commands in the hub's SQLite file (migration 7). */
export class SqliteControlStore implements ControlStore {
  constructor(private readonly db: HubDb) {}

  pushConfig(
    stationIds: readonly string[],
    settings: Record<string, unknown>,
    by: string,
    at: number,
    target: unknown,
  ): Promise<DesiredConfig[]> {
    return this.db.transaction(async (db) => {
      const out: DesiredConfig[] = []
      for (const stationId of stationIds) {
        const row = await db.get<{ v: number | null }>(
          'SELECT max(version) AS v FROM station_configs WHERE station_id = ?',
          stationId,
        )
        const version = (row?.v ?? 0) + 1
        await db.run(
          'INSERT INTO station_configs (station_id, version, settings, issued_by, issued_at) VALUES (?, ?, ?, ?, ?)',
          stationId,
          version,
          JSON.stringify(settings),
          by,
          at,
        )
        out.push({ stationId, version, settings, issuedBy: by, issuedAt: at })
      }
      await db.run(
        audit,
        at,
        by,
        'config.push',
        JSON.stringify({ target, settings, versions: out.map((c) => [c.stationId, c.version]) }),
      )
      return out
    })
  }

  async desiredConfigs(): Promise<DesiredConfig[]> {
    const rows = await this.db.reader.all<ConfigRow[]>(
      `SELECT c.* FROM station_configs c
       JOIN (SELECT station_id, max(version) AS v FROM station_configs GROUP BY station_id) m
         ON m.station_id = c.station_id AND m.v = c.version
       ORDER BY c.station_id`,
    )
    return rows.map(toConfig)
  }

  async configHistory(stationId: string, limit: number): Promise<DesiredConfig[]> {
    const rows = await this.db.reader.all<ConfigRow[]>(
      'SELECT * FROM station_configs WHERE station_id = ? ORDER BY version DESC LIMIT ?',
      stationId,
      limit,
    )
    return rows.map(toConfig)
  }

  async recordConfigState(stationId: string, s: ConfigState, at: number): Promise<void> {
    await this.db.transaction((db) =>
      db.run(
        `INSERT INTO station_config_reports
           (station_id, desired_version, applied_version, state, problems, reported_at, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (station_id) DO UPDATE SET desired_version = excluded.desired_version,
           applied_version = excluded.applied_version, state = excluded.state,
           problems = excluded.problems, reported_at = excluded.reported_at, received_at = excluded.received_at`,
        stationId,
        s.desiredVersion,
        s.appliedVersion,
        s.state,
        JSON.stringify(s.problems ?? []),
        s.at,
        at,
      ),
    )
  }

  async recordHeartbeatConfig(stationId: string, version: number, at: number): Promise<void> {
    await this.db.transaction((db) =>
      db.run(
        `INSERT INTO station_config_reports (station_id, heartbeat_version, heartbeat_at) VALUES (?, ?, ?)
         ON CONFLICT (station_id) DO UPDATE SET heartbeat_version = excluded.heartbeat_version,
           heartbeat_at = excluded.heartbeat_at`,
        stationId,
        version,
        at,
      ),
    )
  }

  async reports(): Promise<ReportedConfig[]> {
    const rows = await this.db.reader.all<
      {
        station_id: string
        desired_version: number | null
        applied_version: number | null
        state: 'applied' | 'rejected' | null
        problems: string | null
        reported_at: string | null
        heartbeat_version: number | null
        heartbeat_at: number | null
      }[]
    >('SELECT * FROM station_config_reports')
    return rows.map((r) => ({
      stationId: r.station_id,
      desiredVersion: r.desired_version,
      appliedVersion: r.applied_version,
      state: r.state,
      problems: r.problems ? JSON.parse(r.problems) : [],
      reportedAt: r.reported_at,
      heartbeatVersion: r.heartbeat_version,
      heartbeatAt: r.heartbeat_at,
    }))
  }

  issueCommands(commands: readonly NewCommand[], by: string, at: number): Promise<StationCommand[]> {
    return this.db.transaction(async (db) => {
      const out: StationCommand[] = []
      for (const c of commands) {
        await db.run(
          `INSERT INTO station_commands (command_id, station_id, name, args, issued_by, issued_at, expires_at, state, sent_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
          c.commandId,
          c.stationId,
          c.name,
          JSON.stringify(c.args),
          by,
          at,
          c.expiresAt,
          at,
        )
        out.push({
          ...c,
          issuedBy: by,
          issuedAt: at,
          state: 'pending',
          detail: null,
          acceptedAt: null,
          finishedAt: null,
          sentAt: at,
          sends: 1,
        })
      }
      const first = commands[0]
      await db.run(
        audit,
        at,
        by,
        'command.issue',
        JSON.stringify({
          name: first?.name,
          args: first?.args,
          commands: commands.map((c) => [c.stationId, c.commandId]),
        }),
      )
      return out
    })
  }

  recordCommandResult(stationId: string, r: CommandResult, at: number): Promise<boolean> {
    return this.db.transaction(async (db) => {
      // `accepted` only moves a pending command on; a final answer ends pending or accepted
      // ones, so answers that arrive out of order or twice change nothing
      const res =
        r.state === 'accepted'
          ? await db.run(
              `UPDATE station_commands SET state = 'accepted', accepted_at = ?
               WHERE command_id = ? AND station_id = ? AND state = 'pending'`,
              at,
              r.commandId,
              stationId,
            )
          : await db.run(
              `UPDATE station_commands SET state = ?, detail = ?, finished_at = ?
               WHERE command_id = ? AND station_id = ? AND state IN ('pending', 'accepted')`,
              r.state,
              r.detail ?? null,
              at,
              r.commandId,
              stationId,
            )
      return (res.changes ?? 0) > 0
    })
  }

  async commands(q: CommandQuery): Promise<StationCommand[]> {
    const where: string[] = []
    const args: unknown[] = []
    if (q.stationId !== undefined) {
      where.push('c.station_id = ?')
      args.push(q.stationId)
    }
    if (q.townCode !== undefined) {
      where.push('s.town_code = ?')
      args.push(q.townCode)
    }
    if (q.state !== undefined) {
      where.push('c.state = ?')
      args.push(q.state)
    }
    const rows = await this.db.reader.all<CommandRow[]>(
      `SELECT c.* FROM station_commands c JOIN stations s ON s.id = c.station_id
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY c.issued_at DESC, c.command_id DESC LIMIT ?`,
      ...args,
      q.limit,
    )
    return rows.map(toCommand)
  }

  async unanswered(stationId: string, now: number): Promise<StationCommand[]> {
    const rows = await this.db.reader.all<CommandRow[]>(
      `SELECT * FROM station_commands WHERE station_id = ? AND state = 'pending' AND expires_at > ?
       ORDER BY issued_at`,
      stationId,
      now,
    )
    return rows.map(toCommand)
  }

  async markResent(commandIds: readonly string[], at: number): Promise<void> {
    if (commandIds.length === 0) return
    await this.db.transaction((db) =>
      db.run(
        `UPDATE station_commands SET sent_at = ?, sends = sends + 1
         WHERE command_id IN (SELECT value FROM json_each(?))`,
        at,
        JSON.stringify(commandIds),
      ),
    )
  }

  async expireCommands(now: number): Promise<number> {
    const r = await this.db.transaction((db) =>
      db.run(
        `UPDATE station_commands SET state = 'expired', finished_at = ?,
           detail = 'no answer from the kiosk before it expired'
         WHERE state = 'pending' AND expires_at <= ?`,
        now,
        now,
      ),
    )
    return r.changes ?? 0
  }
}

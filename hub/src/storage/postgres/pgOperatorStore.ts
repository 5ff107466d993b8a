import type { Operator } from '../../auth/operator.js'
import {
  type NewOperator,
  OperatorError,
  type OperatorStore,
  type SessionRecord,
  type TokenInfo,
} from '../operatorStore.js'
import type { PgDb } from './pgDb.js'

interface OperatorRow {
  username: string
  display_name: string
  tier: Operator['tier']
  scope: string | null
  password_hash: string
  disabled: boolean
  created_at: number
}

interface TokenRow {
  id: string
  username: string
  name: string
  created_at: number
  last_used_at: number | null
}

const OPERATOR_COLUMNS =
  'o.username, o.display_name, o.tier, o.scope, o.password_hash, o.disabled, o.created_at'

const toOperator = (r: OperatorRow): Operator => ({
  username: r.username,
  displayName: r.display_name,
  tier: r.tier,
  scope: r.scope,
  disabled: r.disabled,
  createdAt: r.created_at,
})

const toToken = (r: TokenRow): TokenInfo => ({
  id: r.id,
  username: r.username,
  name: r.name,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
})

/**
 * Operators, sessions and tokens in PostgreSQL. Text is ordered by code point (COLLATE "C"),
 * with the district's null scope first, as SQLite orders it, whatever the database's locale.
 */
export class PgOperatorStore implements OperatorStore {
  constructor(private readonly db: PgDb) {}

  async count(): Promise<number> {
    const rows = await this.db.query<{ n: number }>('SELECT count(*) AS n FROM operators')
    return rows[0]?.n ?? 0
  }

  async create(op: NewOperator, at: number): Promise<Operator> {
    // the primary key decides between two creating one username at once
    const rows = await this.db.query(
      `INSERT INTO operators (username, display_name, tier, scope, password_hash, created_at, password_changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (username) DO NOTHING RETURNING username`,
      [op.username, op.displayName, op.tier, op.scope, op.passwordHash, at],
    )
    if (rows.length === 0) throw new OperatorError('exists', `operator ${op.username} exists`)
    return {
      username: op.username,
      displayName: op.displayName,
      tier: op.tier,
      scope: op.scope,
      disabled: false,
      createdAt: at,
    }
  }

  async get(username: string): Promise<(Operator & { passwordHash: string }) | undefined> {
    const rows = await this.db.query<OperatorRow>(
      `SELECT ${OPERATOR_COLUMNS} FROM operators o WHERE username = $1`,
      [username],
    )
    const r = rows[0]
    return r ? { ...toOperator(r), passwordHash: r.password_hash } : undefined
  }

  async list(): Promise<Operator[]> {
    const rows = await this.db.query<OperatorRow>(
      `SELECT ${OPERATOR_COLUMNS} FROM operators o
       ORDER BY tier COLLATE "C", scope COLLATE "C" NULLS FIRST, username COLLATE "C"`,
    )
    return rows.map(toOperator)
  }

  update(
    username: string,
    change: Partial<Pick<NewOperator, 'displayName' | 'tier' | 'scope' | 'passwordHash'>> & {
      disabled?: boolean
    },
    at: number,
  ): Promise<Operator> {
    return this.db.transaction(async (c) => {
      const { rows } = await c.query<OperatorRow>(
        `SELECT ${OPERATOR_COLUMNS} FROM operators o WHERE username = $1 FOR UPDATE`,
        [username],
      )
      const r = rows[0]
      if (!r) throw new OperatorError('notFound', `no operator ${username}`)
      const next: OperatorRow = {
        ...r,
        display_name: change.displayName ?? r.display_name,
        tier: change.tier ?? r.tier,
        scope: change.scope === undefined ? r.scope : change.scope,
        password_hash: change.passwordHash ?? r.password_hash,
        disabled: change.disabled ?? r.disabled,
      }
      await c.query(
        `UPDATE operators SET display_name = $1, tier = $2, scope = $3, password_hash = $4, disabled = $5,
           password_changed_at = CASE WHEN $6 THEN $7 ELSE password_changed_at END
         WHERE username = $8`,
        [
          next.display_name,
          next.tier,
          next.scope,
          next.password_hash,
          next.disabled,
          change.passwordHash !== undefined,
          at,
          username,
        ],
      )
      // whoever held a session under the old password or scope, or across a disable and an
      // enable (one made while disabled included), holds none now
      const reach = next.tier !== r.tier || next.scope !== r.scope
      if (change.passwordHash !== undefined || next.disabled || next.disabled !== r.disabled || reach)
        await c.query('DELETE FROM sessions WHERE username = $1', [username])
      return toOperator(next)
    })
  }

  async createSession(
    idHash: string,
    username: string,
    csrf: string,
    at: number,
    expiresAt: number,
  ): Promise<void> {
    await this.db.transaction(async (c) => {
      // expired sessions of anyone go when someone logs in: the table stays small
      await c.query('DELETE FROM sessions WHERE expires_at <= $1', [at])
      await c.query(
        `INSERT INTO sessions (id_hash, username, csrf, created_at, expires_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $4)`,
        [idHash, username, csrf, at, expiresAt],
      )
    })
  }

  async session(idHash: string, at: number): Promise<SessionRecord | undefined> {
    const rows = await this.db.query<
      OperatorRow & { csrf: string; s_created_at: number; expires_at: number; last_seen_at: number }
    >(
      `SELECT ${OPERATOR_COLUMNS}, s.csrf, s.created_at AS s_created_at, s.expires_at, s.last_seen_at
       FROM sessions s JOIN operators o USING (username)
       WHERE s.id_hash = $1 AND s.expires_at > $2 AND NOT o.disabled`,
      [idHash, at],
    )
    const r = rows[0]
    if (!r) return undefined
    return {
      operator: toOperator(r),
      csrf: r.csrf,
      createdAt: r.s_created_at,
      expiresAt: r.expires_at,
      lastSeenAt: r.last_seen_at,
    }
  }

  async touchSession(idHash: string, at: number, expiresAt: number): Promise<void> {
    await this.db.query('UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3', [
      at,
      expiresAt,
      idHash,
    ])
  }

  async endSession(idHash: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash])
  }

  async createToken(
    id: string,
    hash: string,
    username: string,
    name: string,
    at: number,
  ): Promise<TokenInfo> {
    await this.db.query(
      'INSERT INTO api_tokens (id, hash, username, name, created_at) VALUES ($1, $2, $3, $4, $5)',
      [id, hash, username, name, at],
    )
    return { id, username, name, createdAt: at, lastUsedAt: null }
  }

  async tokenOperator(hash: string, at: number): Promise<Operator | undefined> {
    const rows = await this.db.query<OperatorRow & { id: string; last_used_at: number | null }>(
      `SELECT ${OPERATOR_COLUMNS}, t.id, t.last_used_at FROM api_tokens t JOIN operators o USING (username)
       WHERE t.hash = $1 AND NOT o.disabled`,
      [hash],
    )
    const r = rows[0]
    if (!r) return undefined
    // a use a minute after the last noted one is noted: a busy script does not write each call
    if (r.last_used_at === null || at - r.last_used_at > 60_000)
      await this.db.query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [at, r.id])
    return toOperator(r)
  }

  async tokens(username: string): Promise<TokenInfo[]> {
    const rows = await this.db.query<TokenRow>(
      `SELECT id, username, name, created_at, last_used_at FROM api_tokens WHERE username = $1
       ORDER BY created_at`,
      [username],
    )
    return rows.map(toToken)
  }

  async revokeToken(username: string, id: string): Promise<boolean> {
    const rows = await this.db.query('DELETE FROM api_tokens WHERE username = $1 AND id = $2 RETURNING id', [
      username,
      id,
    ])
    return rows.length > 0
  }
}

import type { Operator } from '../../auth/operator.js'
import {
  type NewOperator,
  OperatorError,
  type OperatorStore,
  type SessionRecord,
  type TokenInfo,
} from '../operatorStore.js'
import type { HubDb } from './hubDb.js'

interface OperatorRow {
  username: string
  display_name: string
  tier: Operator['tier']
  scope: string | null
  password_hash: string
  disabled: number
  created_at: number
}

interface TokenRow {
  id: string
  username: string
  name: string
  created_at: number
  last_used_at: number | null
}

const toOperator = (r: OperatorRow): Operator => ({
  username: r.username,
  displayName: r.display_name,
  tier: r.tier,
  scope: r.scope,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
})

const toToken = (r: TokenRow): TokenInfo => ({
  id: r.id,
  username: r.username,
  name: r.name,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
})

/** Operators, sessions and tokens in the hub's SQLite file. */
export class SqliteOperatorStore implements OperatorStore {
  constructor(private readonly db: HubDb) {}

  async count(): Promise<number> {
    const row = await this.db.reader.get<{ n: number }>('SELECT count(*) AS n FROM operators')
    return row?.n ?? 0
  }

  create(op: NewOperator, at: number): Promise<Operator> {
    return this.db.transaction(async (db) => {
      const taken = await db.get('SELECT 1 FROM operators WHERE username = ?', op.username)
      if (taken) throw new OperatorError('exists', `operator ${op.username} exists`)
      await db.run(
        `INSERT INTO operators (username, display_name, tier, scope, password_hash, created_at, password_changed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        op.username,
        op.displayName,
        op.tier,
        op.scope,
        op.passwordHash,
        at,
        at,
      )
      return {
        username: op.username,
        displayName: op.displayName,
        tier: op.tier,
        scope: op.scope,
        disabled: false,
        createdAt: at,
      }
    })
  }

  async get(username: string): Promise<(Operator & { passwordHash: string }) | undefined> {
    const r = await this.db.reader.get<OperatorRow>('SELECT * FROM operators WHERE username = ?', username)
    return r ? { ...toOperator(r), passwordHash: r.password_hash } : undefined
  }

  async list(): Promise<Operator[]> {
    const rows = await this.db.reader.all<OperatorRow[]>(
      'SELECT * FROM operators ORDER BY tier, scope, username',
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
    return this.db.transaction(async (db) => {
      const r = await db.get<OperatorRow>('SELECT * FROM operators WHERE username = ?', username)
      if (!r) throw new OperatorError('notFound', `no operator ${username}`)
      const next: OperatorRow = {
        ...r,
        display_name: change.displayName ?? r.display_name,
        tier: change.tier ?? r.tier,
        scope: change.scope === undefined ? r.scope : change.scope,
        password_hash: change.passwordHash ?? r.password_hash,
        disabled: change.disabled === undefined ? r.disabled : change.disabled ? 1 : 0,
      }
      await db.run(
        `UPDATE operators SET display_name = ?, tier = ?, scope = ?, password_hash = ?, disabled = ?,
           password_changed_at = CASE WHEN ? THEN ? ELSE password_changed_at END
         WHERE username = ?`,
        next.display_name,
        next.tier,
        next.scope,
        next.password_hash,
        next.disabled,
        change.passwordHash !== undefined ? 1 : 0,
        at,
        username,
      )
      // whoever held a session under the old password or scope, or across a disable and an
      // enable (one made while disabled included), holds none now
      const reach = next.tier !== r.tier || next.scope !== r.scope
      if (change.passwordHash !== undefined || next.disabled === 1 || next.disabled !== r.disabled || reach)
        await db.run('DELETE FROM sessions WHERE username = ?', username)
      return toOperator(next)
    })
  }

  createSession(
    idHash: string,
    username: string,
    csrf: string,
    at: number,
    expiresAt: number,
  ): Promise<void> {
    return this.db.transaction(async (db) => {
      // expired sessions of anyone go when someone logs in: the table stays small
      await db.run('DELETE FROM sessions WHERE expires_at <= ?', at)
      await db.run(
        'INSERT INTO sessions (id_hash, username, csrf, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)',
        idHash,
        username,
        csrf,
        at,
        expiresAt,
        at,
      )
    })
  }

  async session(idHash: string, at: number): Promise<SessionRecord | undefined> {
    const r = await this.db.reader.get<
      OperatorRow & { csrf: string; s_created_at: number; expires_at: number; last_seen_at: number }
    >(
      `SELECT o.*, s.csrf, s.created_at AS s_created_at, s.expires_at, s.last_seen_at
       FROM sessions s JOIN operators o USING (username)
       WHERE s.id_hash = ? AND s.expires_at > ? AND o.disabled = 0`,
      idHash,
      at,
    )
    if (!r) return undefined
    return {
      operator: toOperator(r),
      csrf: r.csrf,
      createdAt: r.s_created_at,
      expiresAt: r.expires_at,
      lastSeenAt: r.last_seen_at,
    }
  }

  touchSession(idHash: string, at: number, expiresAt: number): Promise<void> {
    return this.db.transaction(async (db) => {
      await db.run(
        'UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?',
        at,
        expiresAt,
        idHash,
      )
    })
  }

  endSession(idHash: string): Promise<void> {
    return this.db.transaction(async (db) => {
      await db.run('DELETE FROM sessions WHERE id_hash = ?', idHash)
    })
  }

  createToken(id: string, hash: string, username: string, name: string, at: number): Promise<TokenInfo> {
    return this.db.transaction(async (db) => {
      await db.run(
        'INSERT INTO api_tokens (id, hash, username, name, created_at) VALUES (?, ?, ?, ?, ?)',
        id,
        hash,
        username,
        name,
        at,
      )
      return { id, username, name, createdAt: at, lastUsedAt: null }
    })
  }

  async tokenOperator(hash: string, at: number): Promise<Operator | undefined> {
    const r = await this.db.reader.get<OperatorRow & { id: string; last_used_at: number | null }>(
      `SELECT o.*, t.id, t.last_used_at FROM api_tokens t JOIN operators o USING (username)
       WHERE t.hash = ? AND o.disabled = 0`,
      hash,
    )
    if (!r) return undefined
    // a use a minute after the last noted one is noted: a busy script does not write each call
    if (r.last_used_at === null || at - r.last_used_at > 60_000) {
      await this.db.transaction((db) =>
        db.run('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', at, r.id),
      )
    }
    return toOperator(r)
  }

  async tokens(username: string): Promise<TokenInfo[]> {
    const rows = await this.db.reader.all<TokenRow[]>(
      'SELECT id, username, name, created_at, last_used_at FROM api_tokens WHERE username = ? ORDER BY created_at',
      username,
    )
    return rows.map(toToken)
  }

  revokeToken(username: string, id: string): Promise<boolean> {
    return this.db.transaction(async (db) => {
      const r = await db.run('DELETE FROM api_tokens WHERE username = ? AND id = ?', username, id)
      return (r.changes ?? 0) > 0
    })
  }
}

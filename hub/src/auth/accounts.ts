import { createHash, randomBytes } from 'node:crypto'
import { CodedError, hashSecret, verifySecret } from '@ejia/platform'
import type { OperatorStore, SessionRecord, TokenInfo } from '../storage/operatorStore.js'
import { MIN_PASSWORD, type Operator, type OperatorTier } from './operator.js'

export class AuthError extends CodedError<'badLogin' | 'locked' | 'weakPassword' | 'badScope'> {}

/** A session lives while used: this long since the last request, and never past MAX_AGE. */
export const SESSION_IDLE_MS = 12 * 3600_000
const SESSION_MAX_AGE_MS = 30 * 24 * 3600_000
/** A session's expiry moves on at most this often, so a busy dashboard does not write each request. */
const TOUCH_EVERY_MS = 60_000
/** Wrong passwords in a row before a username is locked, and for how long. */
const MAX_FAILURES = 10
const LOCK_MS = 15 * 60_000
const TOKEN_PREFIX = 'ejia_'

const digest = (s: string) => createHash('sha256').update(s).digest('base64url')
const secret = () => randomBytes(32).toString('base64url')

/** A password hash that never matches, checked for unknown usernames so they take as long as known ones. */
const DUMMY_HASH = hashSecret(secret())

/**
 * Logging operators in and telling who is calling: passwords (scrypt), browser sessions with
 * a CSRF token each, and API tokens for scripts. Repeated wrong passwords lock the username
 * for 15 minutes, whoever tries.
 */
export class Accounts {
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>()

  constructor(
    private readonly store: OperatorStore,
    private readonly now: () => number,
  ) {}

  static checkPassword(password: string): void {
    if (password.length < MIN_PASSWORD)
      throw new AuthError('weakPassword', `a password has at least ${MIN_PASSWORD} characters`)
  }

  async addOperator(op: {
    username: string
    displayName: string
    tier: OperatorTier
    scope: string | null
    password: string
  }): Promise<Operator> {
    Accounts.checkPassword(op.password)
    const { password, ...rest } = op
    return this.store.create({ ...rest, passwordHash: await hashSecret(password) }, this.now())
  }

  async setPassword(username: string, password: string): Promise<Operator> {
    Accounts.checkPassword(password)
    return this.store.update(username, { passwordHash: await hashSecret(password) }, this.now())
  }

  /** A new session for a correct password: the cookie value (shown once) and its CSRF token. */
  async login(username: string, password: string): Promise<{ sessionId: string; session: SessionRecord }> {
    const at = this.now()
    const f = this.failures.get(username)
    if (f && f.lockedUntil > at)
      throw new AuthError(
        'locked',
        `too many wrong passwords; try again after ${new Date(f.lockedUntil).toISOString()}`,
      )
    const op = await this.store.get(username)
    const ok = await verifySecret(password, op?.passwordHash ?? (await DUMMY_HASH))
    if (!op || !ok || op.disabled) {
      const count = (f?.count ?? 0) + 1
      this.failures.set(username, { count, lockedUntil: count >= MAX_FAILURES ? at + LOCK_MS : 0 })
      throw new AuthError('badLogin', 'wrong username or password')
    }
    this.failures.delete(username)
    const sessionId = secret()
    const csrf = secret()
    const expiresAt = at + SESSION_IDLE_MS
    await this.store.createSession(digest(sessionId), username, csrf, at, expiresAt)
    const { passwordHash: _, ...operator } = op
    return { sessionId, session: { operator, csrf, createdAt: at, expiresAt, lastSeenAt: at } }
  }

  /** The live session behind a cookie value, its expiry moved on; undefined when it is gone. */
  async session(sessionId: string): Promise<SessionRecord | undefined> {
    const at = this.now()
    const s = await this.store.session(digest(sessionId), at)
    if (!s) return undefined
    if (at - s.lastSeenAt > TOUCH_EVERY_MS) {
      const expiresAt = Math.min(at + SESSION_IDLE_MS, s.createdAt + SESSION_MAX_AGE_MS)
      await this.store.touchSession(digest(sessionId), at, expiresAt)
      return { ...s, lastSeenAt: at, expiresAt }
    }
    return s
  }

  logout(sessionId: string): Promise<void> {
    return this.store.endSession(digest(sessionId))
  }

  /** A new API token: `ejia_<id>_<secret>`, shown once; the hub keeps a digest of the secret. */
  async createToken(username: string, name: string): Promise<{ token: string; info: TokenInfo }> {
    const id = randomBytes(6).toString('hex')
    const value = secret()
    const info = await this.store.createToken(id, digest(value), username, name, this.now())
    return { token: `${TOKEN_PREFIX}${id}_${value}`, info }
  }

  /** The operator behind a token, or undefined for anything that is not a live token. */
  async tokenOperator(token: string): Promise<Operator | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined
    const value = token.slice(TOKEN_PREFIX.length).split('_').slice(1).join('_')
    if (value.length < 32) return undefined
    return this.store.tokenOperator(digest(value), this.now())
  }
}

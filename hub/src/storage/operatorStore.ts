import { CodedError } from '@ejia/platform'
import type { Operator, OperatorTier } from '../auth/operator.js'

export class OperatorError extends CodedError<'exists' | 'notFound'> {}

export interface NewOperator {
  username: string
  displayName: string
  tier: OperatorTier
  scope: string | null
  passwordHash: string
}

export interface SessionRecord {
  operator: Operator
  csrf: string
  createdAt: number
  expiresAt: number
  lastSeenAt: number
}

export interface TokenInfo {
  id: string
  username: string
  name: string
  createdAt: number
  lastUsedAt: number | null
}

/**
 * Operators, their sessions and their API tokens. Session ids and token secrets arrive here
 * already digested: the store never holds what a browser or a script presents.
 */
export interface OperatorStore {
  count(): Promise<number>
  /** Throws OperatorError('exists') when the username is taken. */
  create(op: NewOperator, at: number): Promise<Operator>
  get(username: string): Promise<(Operator & { passwordHash: string }) | undefined>
  list(): Promise<Operator[]>
  /**
   * Changes what is given; a new password, a new scope or disabling ends the operator's
   * sessions. Throws OperatorError('notFound').
   */
  update(
    username: string,
    change: Partial<Pick<NewOperator, 'displayName' | 'tier' | 'scope' | 'passwordHash'>> & {
      disabled?: boolean
    },
    at: number,
  ): Promise<Operator>

  createSession(idHash: string, username: string, csrf: string, at: number, expiresAt: number): Promise<void>
  /** The session with its operator, unless expired, unknown or the operator is disabled. */
  session(idHash: string, at: number): Promise<SessionRecord | undefined>
  touchSession(idHash: string, at: number, expiresAt: number): Promise<void>
  endSession(idHash: string): Promise<void>

  createToken(id: string, hash: string, username: string, name: string, at: number): Promise<TokenInfo>
  /** The token's operator, unless unknown or the operator is disabled; notes the use. */
  tokenOperator(hash: string, at: number): Promise<Operator | undefined>
  tokens(username: string): Promise<TokenInfo[]>
  /** False when the operator has no token with that id. */
  revokeToken(username: string, id: string): Promise<boolean>
}

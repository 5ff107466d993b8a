import cookie from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { type Accounts, SESSION_IDLE_MS } from '../auth/accounts.js'
import { atLeast, type OperatorTier } from '../auth/operator.js'
import { Scope, ScopeError, type StationDirectory } from '../auth/scope.js'
import type { Api } from './api.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The calling operator's view of the district; set on every route that is not public. */
    scope: Scope
    /** The session's CSRF token when the caller is a browser session; null for an API token. */
    csrfToken: string | null
  }
  interface FastifyContextConfig {
    /** Open without a login: health, login itself, the API document, kiosk photo uploads (station login). */
    public?: boolean
  }
}

export const SESSION_COOKIE = 'ejia_session'
export const CSRF_HEADER = 'x-csrf-token'
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export interface AuthOptions {
  accounts: Accounts
  stations: StationDirectory
  /** Mark the cookie Secure: the dashboard is reached over HTTPS (behind the control centre's proxy). */
  secureCookies: boolean
}

/**
 * Every /api route but the public ones needs an operator: a browser session (cookie
 * `ejia_session`, HttpOnly, SameSite=Strict, plus the session's CSRF token in `x-csrf-token`
 * on every change) or an API token (`Authorization: Bearer ejia_…`, for scripts; no cookie,
 * so no CSRF). The request then carries the operator's scope, which the routes apply.
 */
export async function installAuth(app: Api, opts: AuthOptions): Promise<void> {
  await app.register(cookie)
  app.decorateRequest('scope', null as unknown as Scope)
  app.decorateRequest('csrfToken', null)
  app.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.config?.public || !req.url.startsWith('/api/')) return
    const auth = req.headers.authorization
    if (auth !== undefined) {
      const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1]
      const op = token ? await opts.accounts.tokenOperator(token) : undefined
      if (!op) return refuse(reply, 401, 'badToken', 'the API token is unknown, revoked or malformed')
      req.scope = new Scope(op, opts.stations)
      return
    }
    const sid = req.cookies[SESSION_COOKIE]
    const session = sid ? await opts.accounts.session(sid) : undefined
    if (!session) return refuse(reply, 401, 'loginRequired', 'log in first (POST /api/auth/login)')
    if (UNSAFE.has(req.method) && req.headers[CSRF_HEADER] !== session.csrf)
      return refuse(reply, 403, 'csrf', `a change needs the session's CSRF token in ${CSRF_HEADER}`)
    req.scope = new Scope(session.operator, opts.stations)
    req.csrfToken = session.csrf
  })
}

export function setSessionCookie(reply: FastifyReply, sessionId: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, sessionId, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    maxAge: Math.floor(SESSION_IDLE_MS / 1000),
  })
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' })
}

/** Throws ScopeError('forbidden') unless the operator's tier is at least `tier`. */
export function requireTier(req: FastifyRequest, tier: OperatorTier, what: string): void {
  if (!atLeast(req.scope.operator, tier))
    throw new ScopeError('forbidden', `${what} needs a ${tier} operator or above`)
}

/** Who did it, for the audit trail. */
export const actorOf = (req: FastifyRequest): string => req.scope.operator.username

function refuse(reply: FastifyReply, status: number, error: string, message: string) {
  return reply.code(status).send({ error, message })
}

import Type from 'typebox'
import { type Accounts, AuthError } from '../../auth/accounts.js'
import { MIN_PASSWORD, USERNAME_PATTERN } from '../../auth/operator.js'
import type { Api, ApiDeps } from '../api.js'
import { actorOf, clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../auth.js'
import { OperatorView, toView } from '../operatorSchemas.js'

const Problem = Type.Object({ error: Type.String(), message: Type.String() })
const Me = Type.Object({
  operator: OperatorView,
  csrfToken: Type.Union([Type.String(), Type.Null()], {
    description: 'Send it in x-csrf-token with every change made in this session; null for an API token',
  }),
})
const TokenView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())

/** Logging in and out, who am I, my password and my API tokens. */
export function authRoutes(app: Api, deps: ApiDeps & { accounts: Accounts; secureCookies: boolean }): void {
  app.post(
    '/api/auth/login',
    {
      config: { public: true },
      schema: {
        summary: 'Log in: sets the session cookie and answers the CSRF token',
        body: Type.Object({
          username: Type.String({ pattern: USERNAME_PATTERN }),
          password: Type.String({ minLength: 1, maxLength: 200 }),
        }),
        response: { 200: Me, 401: Problem, 429: Problem },
      },
    },
    async (req, reply) => {
      try {
        const { sessionId, session } = await deps.accounts.login(req.body.username, req.body.password)
        // Secure over the hub's own HTTPS, and behind an HTTPS proxy when told so
        setSessionCookie(reply, sessionId, deps.secureCookies || req.protocol === 'https')
        await deps.work.audit(session.operator.username, 'auth.login', { ip: req.ip })
        return { operator: toView(session.operator), csrfToken: session.csrf }
      } catch (err) {
        if (!(err instanceof AuthError)) throw err
        req.log.warn({ username: req.body.username, ip: req.ip, code: err.code }, 'login refused')
        return reply.code(err.code === 'locked' ? 429 : 401).send({ error: err.code, message: err.message })
      }
    },
  )

  app.post(
    '/api/auth/logout',
    { schema: { summary: 'Ends this session', response: { 204: Type.Null() } } },
    async (req, reply) => {
      const sid = req.cookies[SESSION_COOKIE]
      if (sid) await deps.accounts.logout(sid)
      clearSessionCookie(reply)
      await deps.work.audit(actorOf(req), 'auth.logout', {})
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/auth/me',
    { schema: { summary: 'The calling operator', response: { 200: Me } } },
    async (req) => ({
      operator: toView(req.scope.operator),
      csrfToken: req.csrfToken,
    }),
  )

  app.post(
    '/api/auth/password',
    {
      schema: {
        summary: 'Changes my password; every session of mine ends, this one included',
        body: Type.Object({
          current: Type.String({ minLength: 1, maxLength: 200 }),
          next: Type.String({ minLength: MIN_PASSWORD, maxLength: 200 }),
        }),
        response: { 204: Type.Null(), 401: Problem },
      },
    },
    async (req, reply) => {
      const username = actorOf(req)
      try {
        // proving the current password again: a session left open on a wall screen is not enough
        await deps.accounts.login(username, req.body.current).then((s) => deps.accounts.logout(s.sessionId))
      } catch (err) {
        if (!(err instanceof AuthError)) throw err
        return reply.code(401).send({ error: err.code, message: err.message })
      }
      await deps.accounts.setPassword(username, req.body.next)
      await deps.work.audit(username, 'auth.password', {})
      clearSessionCookie(reply)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/auth/tokens',
    {
      schema: {
        summary: 'My API tokens (never their secrets)',
        response: { 200: Type.Object({ tokens: Type.Array(TokenView) }) },
      },
    },
    async (req) => {
      const tokens = await deps.operators.tokens(actorOf(req))
      return {
        tokens: tokens.map((t) => ({
          id: t.id,
          name: t.name,
          createdAt: iso(t.createdAt) as string,
          lastUsedAt: iso(t.lastUsedAt),
        })),
      }
    },
  )

  app.post(
    '/api/auth/tokens',
    {
      schema: {
        summary: 'A new API token for scripts, with my scope; the token is shown only in this answer',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 201: Type.Intersect([TokenView, Type.Object({ token: Type.String() })]) },
      },
    },
    async (req, reply) => {
      const { token, info } = await deps.accounts.createToken(actorOf(req), req.body.name)
      await deps.work.audit(actorOf(req), 'auth.token.create', { id: info.id, name: info.name })
      return reply.code(201).send({
        token,
        id: info.id,
        name: info.name,
        createdAt: iso(info.createdAt) as string,
        lastUsedAt: null,
      })
    },
  )

  app.delete(
    '/api/auth/tokens/:id',
    {
      schema: {
        summary: 'Revokes one of my API tokens',
        params: Type.Object({ id: Type.String({ maxLength: 32 }) }),
        response: { 204: Type.Null(), 404: Problem },
      },
    },
    async (req, reply) => {
      if (!(await deps.operators.revokeToken(actorOf(req), req.params.id)))
        return reply.code(404).send({ error: 'notFound', message: `no token ${req.params.id} of yours` })
      await deps.work.audit(actorOf(req), 'auth.token.revoke', { id: req.params.id })
      return reply.code(204).send(null)
    },
  )
}

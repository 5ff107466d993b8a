import type { FastifyRequest } from 'fastify'
import Type from 'typebox'
import { type Accounts, AuthError } from '../../auth/accounts.js'
import { MIN_PASSWORD, type Operator, type OperatorTier, USERNAME_PATTERN } from '../../auth/operator.js'
import { ScopeError } from '../../auth/scope.js'
import type { Api, ApiDeps } from '../api.js'
import { actorOf } from '../auth.js'
import { OperatorTierSchema, OperatorView, toView } from '../operatorSchemas.js'

const Problem = Type.Object({ error: Type.String(), message: Type.String() })

/**
 * Null first: Fastify's Ajv coerces types, and tried on the string branch first a null
 * became "", so no district operator (scope null) could be made or set through the API
 * (found by test/fuzz/hubApi.test.ts).
 */
const NullableScope = Type.Union([Type.Null(), Type.String({ maxLength: 32 })])

/**
 * Operator accounts, managed down the tiers: the district manages everyone, a town operator
 * the village cadres of their own town, a cadre nobody.
 */
export function operatorRoutes(app: Api, deps: ApiDeps & { accounts: Accounts }): void {
  /** True when the caller may manage an account of this tier and scope. */
  const manages = (req: FastifyRequest, target: { tier: OperatorTier; scope: string | null }) => {
    const op = req.scope.operator
    if (op.tier === 'district') return true
    return (
      op.tier === 'town' &&
      target.tier === 'station' &&
      target.scope !== null &&
      req.scope.allowsStation(target.scope)
    )
  }
  const checkScope = (tier: OperatorTier, scope: string | null) => {
    if (tier === 'district' ? scope !== null : scope === null)
      throw new AuthError(
        'badScope',
        `a ${tier} operator ${tier === 'district' ? 'has no' : 'needs a'} scope`,
      )
    if (tier === 'town' && !deps.fleet.list().some((s) => s.townCode === scope))
      throw new AuthError('badScope', `no town ${scope}`)
    if (tier === 'station' && !deps.fleet.get(scope as string))
      throw new AuthError('badScope', `no station ${scope}`)
  }

  app.get(
    '/api/operators',
    {
      schema: {
        summary: 'The operators this operator may see and manage',
        response: { 200: Type.Object({ operators: Type.Array(OperatorView) }) },
      },
    },
    async (req) => {
      const all = await deps.operators.list()
      const me = req.scope.operator.username
      return { operators: all.filter((o) => o.username === me || manages(req, o)).map(toView) }
    },
  )

  app.post(
    '/api/operators',
    {
      schema: {
        summary: 'A new operator account',
        body: Type.Object({
          username: Type.String({ pattern: USERNAME_PATTERN }),
          displayName: Type.String({ minLength: 1, maxLength: 64 }),
          tier: OperatorTierSchema,
          scope: NullableScope,
          password: Type.String({ minLength: MIN_PASSWORD, maxLength: 200 }),
        }),
        response: { 201: OperatorView, 400: Problem, 403: Problem, 409: Problem },
      },
    },
    async (req, reply) => {
      const b = req.body
      checkScope(b.tier, b.scope)
      if (!manages(req, b))
        throw new ScopeError(
          'forbidden',
          `you cannot create a ${b.tier} operator for ${b.scope ?? 'the district'}`,
        )
      const op = await deps.accounts.addOperator(b)
      await deps.work.audit(actorOf(req), 'operator.create', {
        username: op.username,
        tier: op.tier,
        scope: op.scope,
      })
      return reply.code(201).send(toView(op))
    },
  )

  app.patch(
    '/api/operators/:username',
    {
      schema: {
        summary:
          'Changes an operator: name, tier and scope, disabled, or a new password (ends their sessions)',
        params: Type.Object({ username: Type.String({ pattern: USERNAME_PATTERN }) }),
        body: Type.Object({
          displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          tier: Type.Optional(OperatorTierSchema),
          scope: Type.Optional(NullableScope),
          disabled: Type.Optional(Type.Boolean()),
          password: Type.Optional(Type.String({ minLength: MIN_PASSWORD, maxLength: 200 })),
        }),
        response: { 200: OperatorView, 400: Problem, 403: Problem, 404: Problem },
      },
    },
    async (req, reply) => {
      const current = await deps.operators.get(req.params.username)
      const b = req.body
      if (!current || (!manages(req, current) && current.username !== actorOf(req)))
        return reply
          .code(404)
          .send({ error: 'notFound', message: `no operator ${req.params.username} you manage` })
      const next: Pick<Operator, 'tier' | 'scope'> = {
        tier: b.tier ?? current.tier,
        scope: b.scope === undefined ? current.scope : b.scope,
      }
      const self = current.username === actorOf(req)
      // on one's own account only the name and, through /api/auth/password, the password
      if (
        self &&
        (b.tier !== undefined ||
          b.scope !== undefined ||
          b.disabled !== undefined ||
          b.password !== undefined)
      )
        throw new ScopeError(
          'forbidden',
          'another operator changes your tier, scope or status; your password is /api/auth/password',
        )
      checkScope(next.tier, next.scope)
      if (!self && !manages(req, next))
        throw new ScopeError(
          'forbidden',
          `you cannot make ${current.username} a ${next.tier} operator of ${next.scope}`,
        )
      let op = await deps.operators.update(
        current.username,
        {
          ...(b.displayName === undefined ? {} : { displayName: b.displayName }),
          ...(b.tier === undefined ? {} : { tier: b.tier }),
          ...(b.scope === undefined ? {} : { scope: b.scope }),
          ...(b.disabled === undefined ? {} : { disabled: b.disabled }),
        },
        deps.now(),
      )
      if (b.password !== undefined) op = await deps.accounts.setPassword(current.username, b.password)
      const { password: _, ...detail } = b
      await deps.work.audit(actorOf(req), 'operator.update', {
        username: op.username,
        ...detail,
        ...(b.password ? { password: 'reset' } : {}),
      })
      return toView(op)
    },
  )
}

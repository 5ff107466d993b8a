import Type from 'typebox'
import type { Operator } from '../auth/operator.js'

export const OperatorTierSchema = Type.Enum(['district', 'town', 'station'])

/** An operator as the API shows one: never the password hash. */
export const OperatorView = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  tier: OperatorTierSchema,
  scope: Type.Union([Type.String(), Type.Null()], {
    description: 'Town code (town), station id (station), null (district)',
  }),
  disabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
})

export const toView = (op: Operator) => ({
  username: op.username,
  displayName: op.displayName,
  tier: op.tier,
  scope: op.scope,
  disabled: op.disabled,
  createdAt: new Date(op.createdAt).toISOString(),
})

/**
 * Who may see what at the hub: every operator belongs to one tier of the district's three.
 * A district operator sees every station; a town operator the stations of one town; a
 * village cadre one station. The API enforces it on every route (docs/OPERATIONS.md,
 * "Operators and scopes"), not only the dashboard.
 */
export type OperatorTier = 'district' | 'town' | 'station'

export interface Operator {
  username: string
  displayName: string
  tier: OperatorTier
  /** The town code (tier town) or station id (tier station); null for the district. */
  scope: string | null
  disabled: boolean
  createdAt: number
}

/** Tiers from the widest down: an action that needs `town` is open to town and district. */
const RANK: Record<OperatorTier, number> = { district: 2, town: 1, station: 0 }

export const atLeast = (op: Operator, tier: OperatorTier): boolean => RANK[op.tier] >= RANK[tier]

/** Usernames are what people type: letters, digits, dot, dash, underscore. */
export const USERNAME_PATTERN = '^[A-Za-z0-9._-]{2,32}$'
export const MIN_PASSWORD = 10

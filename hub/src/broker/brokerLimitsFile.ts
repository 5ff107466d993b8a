import Type from 'typebox'
import { Compile } from 'typebox/compile'
import { type BrokerLimits, DEFAULT_BROKER_LIMITS } from './floodGuard.js'

const Rate = Type.Object(
  {
    burst: Type.Number({ exclusiveMinimum: 0, description: 'What may come at once' }),
    perSecond: Type.Number({ exclusiveMinimum: 0, description: 'What comes back each second' }),
  },
  { additionalProperties: false },
)

/** `--broker-limits FILE`: any of the four rates; the others keep their defaults. */
const LimitsFile = Compile(
  Type.Object(
    {
      logins: Type.Optional(Rate),
      failedLogins: Type.Optional(Rate),
      publishes: Type.Optional(Rate),
      publishBytes: Type.Optional(Rate),
    },
    { additionalProperties: false },
  ),
)

/**
 * The embedded broker's per-station rates (broker/floodGuard.ts) from a JSON file's text,
 * over the defaults. Throws a RangeError naming every problem, so the hub stops before it
 * listens rather than run with limits nobody meant.
 */
export function parseBrokerLimits(text: string, file: string): BrokerLimits {
  let json: unknown
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (err) {
    throw new RangeError(`--broker-limits ${file}: not JSON (${(err as Error).message})`)
  }
  if (!LimitsFile.Check(json)) {
    const problems = [...LimitsFile.Errors(json)].map((e) => `${e.instancePath || '/'} ${e.message}`)
    throw new RangeError(`--broker-limits ${file}: ${problems.join('; ')}`)
  }
  return { ...DEFAULT_BROKER_LIMITS, ...json }
}

import fc from 'fast-check'
import { hostileJson, NASTY_DATES, NASTY_STRINGS, NASTY_TIMES } from './hostile.js'
import { applyJsonMutations, jsonMutation } from './mutate.js'

/** The JSON Schema keywords the hub's OpenAPI document uses (TypeBox output). */
export interface JsonSchema {
  type?: string
  const?: unknown
  enum?: unknown[]
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  pattern?: string
  format?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
}

/**
 * Values a schema allows, most of the time (a pattern's text, a range's numbers, an
 * object's required fields and some of its optional ones): they get past validation and
 * reach the handler, where the bugs are.
 */
export function validish(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return hostileJson(1)
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  const branches = schema.anyOf ?? schema.oneOf
  if (branches) return fc.oneof(...branches.map((b) => validish(b, depth + 1)))
  switch (schema.type) {
    case 'string':
      if (schema.pattern) {
        // the dictionary's dates, times and injections that fit, which a pattern rarely makes
        const re = new RegExp(schema.pattern)
        const fits = [...NASTY_DATES, ...NASTY_TIMES, ...NASTY_STRINGS].filter((v) => re.test(v))
        return fits.length > 0
          ? fc.oneof(
              { weight: 3, arbitrary: fc.stringMatching(re) },
              { weight: 1, arbitrary: fc.constantFrom(...fits) },
            )
          : fc.stringMatching(re)
      }
      if (schema.format === 'date-time')
        return fc.oneof(
          fc.constantFrom(...NASTY_TIMES),
          fc
            .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
            .map((d) => d.toISOString()),
        )
      return fc.string({
        minLength: schema.minLength ?? 0,
        maxLength: Math.max(schema.minLength ?? 0, Math.min(schema.maxLength ?? 40, 40)),
      })
    case 'integer': {
      const min =
        schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000)
      const max =
        schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 100_000)
      return fc.integer({ min, max: Math.max(min, max) })
    }
    case 'number': {
      const min = schema.minimum ?? schema.exclusiveMinimum ?? -1000
      const max = schema.maximum ?? schema.exclusiveMaximum ?? 100_000
      return fc.double({ min, max: Math.max(min, max), noNaN: true, noDefaultInfinity: true })
    }
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array':
      return fc.array(validish(schema.items, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4)),
      })
    case 'object': {
      const props = schema.properties ?? {}
      const model = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, validish(s, depth + 1)]))
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in props) })
    }
    default:
      return hostileJson(1)
  }
}

/** A body for a route: schema-shaped, schema-shaped and then damaged, or any JSON at all. */
export function bodyFor(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: validish(schema) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(validish(schema), fc.array(jsonMutation(), { minLength: 1, maxLength: 3 }))
        .map(([v, m]) => applyJsonMutations(v, m)),
    },
    { weight: 1, arbitrary: hostileJson(3) },
  )
}

import type { WireError } from '@ejia/protocol'
import type { TSchema } from 'typebox'
import type { TLocalizedValidationError } from 'typebox/error'

/** The JSON Schema keywords read here; TypeBox schemas are plain JSON Schema objects. */
export interface JsonSchema {
  title?: string
  description?: string
  type?: string
  const?: unknown
  enum?: unknown[]
  anyOf?: JsonSchema[]
  minimum?: number
  exclusiveMinimum?: number
  maximum?: number
  exclusiveMaximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  properties?: Record<string, JsonSchema>
  items?: JsonSchema
  patternProperties?: Record<string, JsonSchema>
  additionalProperties?: unknown
}

/**
 * Schema errors of a station config (or remote settings) in plain words: each names the
 * field, says what is wrong with the value given, and what is allowed there, from the
 * field's own schema (its range, its values, its title and description). A missing or an
 * unknown field is reported at its own path, one problem each.
 */
export function explainErrors(
  root: TSchema,
  value: unknown,
  errors: Iterable<TLocalizedValidationError>,
): WireError[] {
  const list = [...errors]
  const anyOfPaths = new Set(list.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath))
  const out: WireError[] = []
  for (const e of list) {
    if (anyOfPaths.has(e.instancePath) && e.keyword !== 'anyOf') continue
    if (e.keyword === 'boolean' && e.schemaPath.endsWith('additionalProperties')) continue
    const schema = schemaAt(root as JsonSchema, e.instancePath)
    const given = valueAt(value, e.instancePath)
    if (e.keyword === 'required') {
      for (const name of (e.params as { requiredProperties: string[] }).requiredProperties) {
        const field = schema?.properties?.[name]
        out.push(problem(`${e.instancePath}/${name}`, 'missing', 'is missing', field))
      }
    } else if (e.keyword === 'additionalProperties') {
      const known = Object.keys(schema?.properties ?? {})
      for (const name of (e.params as { additionalProperties: string[] }).additionalProperties) {
        const near = known.find((k) => close(k, name))
        const hint = near ? `did you mean ${near}? ` : ''
        out.push({
          path: `${e.instancePath}/${name}`,
          code: 'unknownField',
          message: `unknown field; ${hint}the fields here are: ${known.join(', ')}`,
        })
      }
    } else {
      out.push(problem(e.instancePath, e.keyword, wrong(e, given), schema))
    }
  }
  return out
}

function problem(path: string, code: string, what: string, schema: JsonSchema | undefined): WireError {
  if (!schema) return { path, code, message: what }
  const about = [schema.title, schema.description].filter(Boolean).join(': ')
  return { path, code, message: `${what}; allowed: ${allowed(schema)}${about ? ` (${about})` : ''}` }
}

/** What is wrong with the value, in words. */
function wrong(e: TLocalizedValidationError, given: unknown): string {
  const shown = show(given)
  switch (e.keyword) {
    case 'type':
      return `is ${shown}, the wrong kind of value`
    case 'minimum':
    case 'exclusiveMinimum':
    case 'minItems':
      return `${shown} is too small`
    case 'maximum':
    case 'exclusiveMaximum':
    case 'maxItems':
      return `${shown} is too large`
    case 'minLength':
      return `${shown} is too short`
    case 'maxLength':
      return `${shown} is too long`
    case 'pattern':
      return `${shown} is not in the expected form`
    case 'enum':
      return `${shown} is not one of the allowed values`
    case 'const':
      return `is ${shown}`
    default:
      return e.message
  }
}

/** What the schema allows, in words: the kind of value and its range or choices. */
export function allowed(s: JsonSchema): string {
  if (s.const !== undefined) return `exactly ${JSON.stringify(s.const)}`
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`
  if (Array.isArray(s.anyOf)) return s.anyOf.map((v) => allowed(v)).join(', or ')
  switch (s.type) {
    case 'integer':
      return `a whole number${range(s.minimum, s.exclusiveMinimum, s.maximum, s.exclusiveMaximum)}`
    case 'number':
      return `a number${range(s.minimum, s.exclusiveMinimum, s.maximum, s.exclusiveMaximum)}`
    case 'boolean':
      return 'true or false'
    case 'string': {
      const parts = ['text']
      if (s.minLength !== undefined && s.maxLength !== undefined)
        parts.push(`of ${s.minLength} to ${s.maxLength} characters`)
      else if (s.minLength !== undefined) parts.push(`of at least ${s.minLength} character(s)`)
      else if (s.maxLength !== undefined) parts.push(`of at most ${s.maxLength} characters`)
      if (s.pattern !== undefined) parts.push(`matching ${s.pattern}`)
      return parts.join(' ')
    }
    case 'array':
      return 'a list'
    case 'object':
      return s.properties ? `an object with the fields ${Object.keys(s.properties).join(', ')}` : 'an object'
    default:
      return 'a value of the right kind'
  }
}

function range(min?: number, xmin?: number, max?: number, xmax?: number): string {
  const low = min !== undefined ? `at least ${min}` : xmin !== undefined ? `above ${xmin}` : ''
  const high = max !== undefined ? `at most ${max}` : xmax !== undefined ? `below ${xmax}` : ''
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`
  return [low, high].filter(Boolean).length > 0 ? `, ${[low, high].filter(Boolean).join(' and ')}` : ''
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (typeof v === 'string') return `the text ${JSON.stringify(v)}`
  if (Array.isArray(v)) return 'a list'
  if (v === null) return 'null'
  if (typeof v === 'object') return 'an object'
  return String(v)
}

/** The schema of the value at a JSON pointer (properties, array items, record values). */
export function schemaAt(root: JsonSchema, pointer: string): JsonSchema | undefined {
  let s: JsonSchema | undefined = root
  for (const key of segments(pointer)) {
    if (!s) return undefined
    if (s.properties?.[key]) s = s.properties[key]
    else if (s.items && /^\d+$/.test(key)) s = s.items
    else if (s.patternProperties) s = Object.values(s.patternProperties)[0]
    else return undefined
  }
  return s
}

function valueAt(value: unknown, pointer: string): unknown {
  let v = value
  for (const key of segments(pointer)) {
    if (typeof v !== 'object' || v === null) return undefined
    v = (v as Record<string, unknown>)[key]
  }
  return v
}

function segments(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'))
}

/** Same letters but for case, or one edit apart: a likely typo of a known field. */
function close(a: string, b: string): boolean {
  if (a.toLowerCase() === b.toLowerCase()) return true
  if (Math.abs(a.length - b.length) > 1) return false
  const [s, t] = a.length <= b.length ? [a, b] : [b, a]
  let i = 0
  while (i < s.length && s[i] === t[i]) i++
  if (s.length === t.length) return s.slice(i + 1) === t.slice(i + 1)
  return s.slice(i) === t.slice(i + 1)
}

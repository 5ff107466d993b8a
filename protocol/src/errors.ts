import type { TLocalizedValidationError } from 'typebox/error'

/** One thing wrong with a message, addressed by JSON pointer. */
export interface WireError {
  /** JSON pointer into the payload, '' for the whole payload. */
  path: string
  /** Stable machine code: tooLarge, json, schema, unknownType, bodyTooLarge. */
  code: string
  message: string
}

/** Thrown when code tries to send something the contract forbids. */
export class ProtocolError extends Error {
  readonly code: string
  readonly errors: WireError[]
  constructor(code: string, errors: WireError[]) {
    super(`${code}: ${errors.map(formatWireError).join('; ')}`)
    this.name = 'ProtocolError'
    this.code = code
    this.errors = errors
  }
}

export function formatWireError(e: WireError): string {
  return e.path === '' ? e.message : `${e.path}: ${e.message}`
}

/**
 * Turns validator output into one error per real problem. A union reports one miss per
 * branch plus the `anyOf`; keep only the `anyOf`. An additional property shows up twice
 * (as a false boolean schema and as additionalProperties); keep the one that names it.
 */
export function toWireErrors(errors: readonly TLocalizedValidationError[], prefix = ''): WireError[] {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath))
  const out: WireError[] = []
  for (const e of errors) {
    if (anyOfPaths.has(e.instancePath) && e.keyword !== 'anyOf') continue
    if (e.keyword === 'boolean' && e.schemaPath.endsWith('additionalProperties')) continue
    out.push({ path: prefix + e.instancePath, code: 'schema', message: describe(e) })
  }
  return out
}

function describe(e: TLocalizedValidationError): string {
  if (e.keyword === 'additionalProperties') {
    return `unknown field(s): ${e.params.additionalProperties.join(', ')}`
  }
  if (e.keyword === 'enum') {
    return `must be one of ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
  }
  if (e.keyword === 'required') {
    return `missing field(s): ${e.params.requiredProperties.join(', ')}`
  }
  return e.message
}

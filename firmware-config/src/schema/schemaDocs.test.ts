import { describe, expect, it } from 'vitest'
import type { JsonSchema } from '../explain.js'
import { RemoteSettings } from './remoteSettings.js'
import { StationConfig } from './stationConfig.js'

/**
 * Open maps allowed in a station config, each with the check that stands in for the schema:
 * a device's option overrides are checked against its hardware profile's driver
 * (profiles.ts, resolveDevices).
 */
const OPEN_MAPS = new Set(['devices[].options'])

/** Every field with a title and a description, every object strict: what `walk` finds wrong. */
function undocumented(schema: JsonSchema, path = ''): string[] {
  const out: string[] = []
  const at = path || '(root)'
  if (schema.type === 'object') {
    if (schema.properties) {
      if (schema.additionalProperties !== false) out.push(`${at}: object without additionalProperties: false`)
      for (const [key, field] of Object.entries(schema.properties)) {
        const sub = path === '' ? key : `${path}.${key}`
        if (!field.title) out.push(`${sub}: no title`)
        if (!field.description) out.push(`${sub}: no description`)
        out.push(...undocumented(field, sub))
      }
    } else if (!(schema.patternProperties && OPEN_MAPS.has(path))) {
      out.push(`${at}: object that accepts any field`)
    }
  }
  if (schema.type === 'array' && schema.items) out.push(...undocumented(schema.items, `${path}[]`))
  for (const variant of schema.anyOf ?? []) out.push(...undocumented(variant, path))
  return out
}

describe('the station config schema documents itself', () => {
  it.each([
    ['StationConfig', StationConfig],
    ['RemoteSettings', RemoteSettings],
  ])('%s: every field has a title and a description, every object is strict', (_name, schema) => {
    const root = schema as unknown as JsonSchema
    expect(root.title).toBeTruthy()
    expect(root.description).toBeTruthy()
    expect(undocumented(root)).toEqual([])
  })

  it('the walk finds a field without a description and an object that is not strict', () => {
    const bad: JsonSchema = {
      type: 'object',
      additionalProperties: false,
      properties: {
        a: { type: 'integer', title: 'A' },
        b: { type: 'object', title: 'B', description: 'b', properties: {} },
      },
    }
    expect(undocumented(bad)).toEqual(['a: no description', 'b: object without additionalProperties: false'])
  })

  it('covers the new sections: tier, duty, activity and ui', () => {
    const p = StationConfig.properties
    expect(p.station.properties.tier.enum).toEqual(['district', 'town', 'village'])
    expect(Object.keys(p.duty.properties)).toEqual(['graceLateMin', 'graceEarlyMin', 'duplicateWithinMin'])
    expect((p.activity.properties.themeDayOfMonth as { default?: number }).default).toBe(25)
    expect(Object.keys(p.ui.properties)).toEqual([
      'idleTimeoutS',
      'resultTimeoutS',
      'voice',
      'sound',
      'language',
    ])
  })
})

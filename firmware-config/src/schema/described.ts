import type { TSchema } from 'typebox'

/**
 * A copy of `schema` with a title and a description, for a shared schema (a protocol id,
 * a device list) that reads differently where a station config uses it. The copy keeps
 * TypeBox's hidden markers (`~kind`, `~optional`), which a spread would drop.
 */
export function described<S extends TSchema>(schema: S, title: string, description: string): S {
  const copy = Object.create(Object.getPrototypeOf(schema), Object.getOwnPropertyDescriptors(schema)) as S
  Object.assign(copy, { title, description })
  return copy
}

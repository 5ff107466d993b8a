import pino from 'pino'
import { HUB_VERSION } from '../version.js'
import { type ApiDeps, createApi } from './api.js'

/**
 * The OpenAPI document of the hub API, from the route schemas themselves. Routes are only
 * registered, never called, so no storage or broker is needed.
 */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const app = await createApi({ version: HUB_VERSION } as ApiDeps, pino({ level: 'silent' }))
  await app.ready()
  const doc = app.swagger() as unknown as Record<string, unknown>
  await app.close()
  return doc
}

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildOpenApiDocument } from './openapi.js'

describe('OpenAPI document', () => {
  it('documents the API routes', async () => {
    const doc = (await buildOpenApiDocument()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/events',
      '/api/health',
      '/api/rejects',
      '/api/stations',
      '/api/stations/{id}',
      '/api/stats/ingest',
    ])
  })

  it('matches the checked-in docs/openapi.json (run `npm run docs` after changing a route)', async () => {
    const checkedIn = JSON.parse(readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'))
    expect(checkedIn).toEqual(JSON.parse(JSON.stringify(await buildOpenApiDocument())))
  })
})

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildOpenApiDocument } from './openapi.js'

describe('OpenAPI document', () => {
  it('documents the API routes', async () => {
    const doc = (await buildOpenApiDocument()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/events',
        '/api/health',
        '/api/stations',
        '/api/stats/ingest',
        '/api/stats/duty',
        '/api/reports/{report}',
        '/api/people/import',
      ]),
    )
  })

  it('matches the checked-in docs/openapi.json (run `npm run docs` after changing a route)', async () => {
    const checkedIn = JSON.parse(readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8'))
    expect(checkedIn).toEqual(JSON.parse(JSON.stringify(await buildOpenApiDocument())))
  })
})

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { type ApiDeps, createApi } from './api.js'

/** The hub serving the dashboard's build at `/`, or saying how to make it. */
describe('the dashboard at /', () => {
  const api = (dashboardDir: string) =>
    createApi({ version: 'test', dashboardDir } as ApiDeps, pino({ level: 'silent' }))

  it('says to run npm run build when the dashboard is not built', async () => {
    const app = await api(mkdtempSync(join(tmpdir(), 'ejia-nodash-')))
    const res = await app.inject({ method: 'GET', url: '/' })
    expect(res.statusCode).toBe(503)
    expect(res.body).toContain('npm run build')
    await app.close()
  })

  it('serves the build, and index.html for the dashboard’s own paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ejia-dash-'))
    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'index.html'), '<div id="app"></div>')
    writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)')
    const app = await api(dir)
    for (const url of ['/', '/fleet', '/alarms/12']) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(200)
      expect(res.body, url).toBe('<div id="app"></div>')
      expect(res.headers['cache-control'], url).toBe('no-cache')
    }
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc.js' })
    expect(asset.body).toBe('console.log(1)')
    expect(asset.headers['cache-control']).toContain('immutable')
    await app.close()
  })
})

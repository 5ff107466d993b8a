import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../../../../test/helpers/district.js'
import { startTestHub, type TestHub } from '../../../../test/helpers/hub.js'

// found by test/fuzz/hubApi.test.ts: Fastify's Ajv coerced a null scope to "" on the string
// branch of the union, so a district operator (scope null) could be neither made nor set
describe('operator accounts with a null scope, through the API', () => {
  const district = makeDistrict(2)
  const town = district.configs[0]!.station.townCode
  let hub: TestHub
  beforeAll(async () => {
    hub = await startTestHub(district.registry)
  })
  afterAll(() => hub.stop())
  const call = async (method: string, path: string, body: object) => {
    const res = await fetch(`${hub.api}${path}`, {
      method,
      headers: { ...hub.auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as { scope?: unknown; error?: string } }
  }
  const password = 'a-long-enough-password'

  it('makes a district operator, and moves a town operator up to the district', async () => {
    const made = await call('POST', '/api/operators', {
      username: 'district-2',
      displayName: '区委组织部',
      tier: 'district',
      scope: null,
      password,
    })
    expect([made.status, made.body.scope]).toEqual([201, null])
    await call('POST', '/api/operators', {
      username: 'town-1',
      displayName: '镇',
      tier: 'town',
      scope: town,
      password,
    })
    const moved = await call('PATCH', '/api/operators/town-1', { tier: 'district', scope: null })
    expect([moved.status, moved.body.scope]).toEqual([200, null])
  })

  it('still refuses a town operator without a town', async () => {
    for (const scope of [null, '']) {
      const r = await call('POST', '/api/operators', {
        username: 'town-2',
        displayName: '镇',
        tier: 'town',
        scope,
        password,
      })
      expect([r.status, r.body.error]).toEqual([400, 'badScope'])
    }
  })
})

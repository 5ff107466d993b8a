import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type EdgeHandle, startEdge } from '@ejia/edge'
import pino from 'pino'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub, type TestHub } from '../helpers/hub.js'
import { freePort } from '../helpers/net.js'
import { until } from '../helpers/wait.js'

const log = pino({ level: 'silent' })

const json = async (res: Response) => ({
  status: res.status,
  body: (await res.json()) as Record<string, unknown>,
})

/**
 * The roster is managed at the hub and each kiosk holds its village's part: a real hub and
 * a real kiosk in-process, over MQTT, with the kiosk going offline and restarting between.
 */
describe('roster sync, hub to kiosk', () => {
  const district = makeDistrict(2)
  const [a, b] = district.configs.map((c) => c.station.id) as [string, string]
  const hubDir = mkdtempSync(join(tmpdir(), 'ejia-hub-'))
  const kioskDir = mkdtempSync(join(tmpdir(), 'ejia-kiosk-'))
  let mqttPort = 0
  let hub: TestHub | undefined
  let edge: EdgeHandle | undefined
  afterAll(async () => {
    await edge?.stop()
    await hub?.stop()
  })

  const startTheHub = async () => {
    hub = await startTestHub(district.registry, {
      dataDir: hubDir,
      mqttPort,
      rosterSync: { resendAfterMs: 2000 },
    })
    return hub
  }
  const startTheKiosk = async () => {
    const config = structuredClone(district.configs[0]!)
    config.hub.mqttUrl = `mqtt://127.0.0.1:${mqttPort}`
    config.dataDir = kioskDir
    config.localApi.port = 0
    config.uplink.reconnectPeriodS = 0.3
    config.uplink.heartbeatIntervalS = 1
    edge = await startEdge(config, { log })
    return edge.localApiUrl!
  }
  const rosterHeld = async (local: string) =>
    ((await (await fetch(`${local}/api/status`)).json()) as { health: { versions: { roster?: string } } })
      .health.versions.roster
  const pin = (local: string, personId: string, p: string) =>
    fetch(`${local}/api/signin/pin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personId, pin: p }),
    }).then(json)

  it('sends a large village in parts, and the kiosk signs people in from it offline and after a restart', {
    timeout: 90_000,
  }, async () => {
    mqttPort = await freePort()
    // the office: the hub's admin, logged in again when the hub restarts
    let { api, auth } = await startTheHub()
    const put = (path: string, body: unknown) =>
      fetch(`${api}${path}`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(json)
    // 450 people: more than one message holds, so the roster travels in parts
    const people = Array.from({ length: 450 }, (_, i) => ({
      personId: `a-${String(i).padStart(3, '0')}`,
      stationId: a,
      name: `村民${i}`,
      roles: i === 0 ? ['cadre', 'member'] : i < 40 ? ['member'] : ['villager'],
      cards: [(0x1000000000 + i).toString(16).toUpperCase()],
    }))
    expect(await put('/api/people', { people })).toMatchObject({ status: 200 })
    expect(
      await put('/api/people', {
        people: [{ personId: 'b-1', stationId: b, name: '外村人', roles: ['member'] }],
      }),
    ).toMatchObject({ status: 200 })
    expect(await put('/api/people/a-000/pin', { pin: '2580' })).toMatchObject({ status: 200 })
    expect(await put('/api/people/b-1/pin', { pin: '1357' })).toMatchObject({ status: 200 })
    const study = await fetch(`${api}/api/study/entries`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ personId: 'a-000', hours: 4, ref: '学习强国', date: '2026-01-10' }),
    })
    expect(study.status).toBe(201)

    let local = await startTheKiosk()
    // every person is one version at the hub: 450 upserts and one PIN change
    await until('the kiosk to hold the hub roster', async () =>
      (await rosterHeld(local)) === '451' ? true : undefined,
    )
    const signedIn = await pin(local, 'a-000', '2580')
    expect(signedIn).toMatchObject({
      status: 200,
      body: { kind: 'checkin', personId: 'a-000', name: '村民0' },
    })
    expect((signedIn.body.study as { done: number }).done).toBe(4)
    // another village's people are not on this kiosk
    expect(await pin(local, 'b-1', '1357')).toMatchObject({ status: 401, body: { reason: 'badPin' } })

    // the hub goes away: the kiosk keeps signing people in from its copy
    await hub?.stop()
    hub = undefined
    expect(await pin(local, 'a-000', '2580')).toMatchObject({ status: 200 })

    // the office changes the roster while the kiosk is restarting, then the hub comes back
    await edge?.stop()
    edge = undefined
    ;({ api, auth } = await startTheHub())
    expect(await put('/api/people/a-000/pin', { pin: '9999' })).toMatchObject({ status: 200 })
    const removed = await fetch(`${api}/api/people/a-001`, {
      method: 'DELETE',
      headers: auth,
    })
    expect(removed.status).toBe(200)
    local = await startTheKiosk()
    expect(await rosterHeld(local)).toBe('451') // what it held before, from roster.db
    await until('the kiosk to take the delta', async () =>
      (await rosterHeld(local)) === '453' ? true : undefined,
    )
    expect(await pin(local, 'a-000', '2580')).toMatchObject({ status: 401, body: { reason: 'badPin' } })
    expect(await pin(local, 'a-000', '9999')).toMatchObject({ status: 200, body: { personId: 'a-000' } })

    // a cadre vouches for a villager, with a witness photo taken at this kiosk first
    const vouch = (witnessPhotoId: string) =>
      fetch(`${local}/api/signin/vouch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ personId: 'a-100', cadreId: 'a-000', cadrePin: '9999', witnessPhotoId }),
      }).then(json)
    expect(await vouch('0'.repeat(64))).toMatchObject({ status: 422, body: { error: 'witnessPhotoUnknown' } })
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#8a6' } })
      .jpeg()
      .toBuffer()
    const taken = await fetch(`${local}/api/photos?purpose=witness&takenBy=a-000`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: photo,
    }).then(json)
    expect(taken.status).toBe(201)
    expect(await vouch(taken.body.photoId as string)).toMatchObject({
      status: 200,
      body: { kind: 'checkin', personId: 'a-100', method: 'vouch' },
    })

    // the hub's own record: every sign-in the kiosk made reached the ledger
    await until('the sign-ins to reach the hub', async () => {
      const res = (await (
        await fetch(`${api}/api/events?station=${a}&type=checkin&limit=100`, { headers: auth })
      ).json()) as {
        events: { body: { method: string; witnessPhotoId?: string } }[]
      }
      return res.events.length === 4 ? res.events : undefined
    }).then((events) => {
      expect(events.find((e) => e.body.method === 'vouch')?.body.witnessPhotoId).toBe(taken.body.photoId)
    })
  })
})

import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type EdgeHandle, startEdge } from '@ejia/edge'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub, type TestHub } from '../helpers/hub.js'
import { freePort } from '../helpers/net.js'
import { until } from '../helpers/wait.js'

const log = pino({ level: 'silent' })
// a group photo of three people, installed with the models (scripts/fetch-models.mjs)
const SAMPLE = new URL('../../.cache/ejia-models/face-api-demo-1.7.15/sample1.jpg', import.meta.url).pathname

/**
 * Medium tier: a real kiosk with its face models and a real hub, in-process. A photo
 * posted to the kiosk's local API is kept, counted, journalled, and reaches the hub: the
 * event over MQTT, the JPEG over HTTP with the station's login.
 */
describe('evidence photos, kiosk to hub', () => {
  const district = makeDistrict(1)
  let hub: TestHub | undefined
  let edge: EdgeHandle | undefined
  afterAll(async () => {
    await edge?.stop()
    await hub?.stop()
  })

  it('takes a photo at the kiosk and the hub serves the same bytes', { timeout: 60_000 }, async () => {
    const mqttPort = await freePort()
    hub = await startTestHub(district.registry, { mqttPort })
    const { api: hubApi, auth } = hub
    const config = structuredClone(district.configs[0]!)
    config.hub.mqttUrl = `mqtt://127.0.0.1:${mqttPort}`
    config.hub.httpUrl = hubApi
    config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-kiosk-'))
    config.localApi.port = 0
    config.uplink.reconnectPeriodS = 0.3
    edge = await startEdge(config, { log })
    const local = edge.localApiUrl!

    const res = await fetch(`${local}/api/photos?purpose=evidence&activityId=act-1125&takenBy=cadre-1`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: readFileSync(SAMPLE),
    })
    expect(res.status).toBe(201)
    const photo = (await res.json()) as { photoId: string; faces: number; width: number; height: number }
    expect(photo).toMatchObject({ faces: 3, width: 1600, height: 1067 })

    const atHub = await until('the hub to serve the photo', async () => {
      const r = await fetch(`${hubApi}/api/photos/${photo.photoId}`, { headers: auth })
      return r.status === 200 ? Buffer.from(await r.arrayBuffer()) : undefined
    })
    expect(createHash('sha256').update(atHub).digest('hex')).toBe(photo.photoId)
    const kiosk = await fetch(`${local}/api/photos/${photo.photoId}`)
    expect(Buffer.from(await kiosk.arrayBuffer()).equals(atHub)).toBe(true)
    const status = (await (await fetch(`${local}/api/status`)).json()) as {
      photos: { waiting: number }
      health: { faults: unknown[] }
    }
    expect(status.photos).toEqual({ waiting: 0, refused: 0 })
    expect(status.health.faults).toEqual([])
  })
})

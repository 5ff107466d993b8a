import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { type EdgeHandle, startEdge } from '@ejia/edge'
import { DEFAULT_QUALITY, OnnxFaceEngine, SqliteTemplateStore } from '@ejia/edge/face'
import { openDatabaseReadOnly } from '@ejia/platform'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { until } from '../helpers/wait.js'

// the labelled photos beside the project (never copied into it); EJIA_FACES_DIR overrides
const FACES = process.env.EJIA_FACES_DIR ?? new URL('../../../shared/faces/', import.meta.url).pathname
const haveFaces = existsSync(FACES)
const photo = (person: string, n: number) => readFileSync(join(FACES, person, `${person}${n}.png`))
const log = pino({ level: 'silent' })

/**
 * Medium tier: a kiosk agent with real face models, its camera fed through the local API
 * as the kiosk UI does, and the encrypted store and journal on disk.
 */
describe.skipIf(!haveFaces)('face check-in at a kiosk, through the local API', () => {
  const district = makeDistrict(1)
  const config = structuredClone(district.configs[0]!)
  config.hub.mqttUrl = 'mqtt://127.0.0.1:1' // no hub: face check-in works offline
  config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-face-kiosk-'))
  config.localApi.port = 0
  config.camera = { type: 'push', fps: 5 }
  let edge: EdgeHandle
  let api: string
  const call = async (method: string, path: string, body?: unknown, type = 'application/json') => {
    const res = await fetch(`${api}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : {
            headers: { 'content-type': type },
            body: type === 'application/json' ? JSON.stringify(body) : (body as Buffer),
          }),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : undefined }
  }
  /** Pushes frames as the UI would until the session ends. */
  const checkIn = async (person: string, shots: number[]) => {
    expect((await call('POST', '/api/face/checkin', { activityId: 'act-1125' })).body).toMatchObject({
      state: 'looking',
    })
    let i = 0
    return until('the check-in to end', async () => {
      await call('POST', '/api/camera/frame', photo(person, shots[i++ % shots.length] as number), 'image/png')
      const s = (await call('GET', '/api/face/checkin')).body
      return s.state === 'looking' ? undefined : s
    })
  }

  beforeAll(async () => {
    edge = await startEdge(config, { log })
    api = edge.localApiUrl!
  })
  afterAll(() => edge.stop())

  it('enrols with separate consent, checks the person in by face, and journals it', {
    timeout: 60_000,
  }, async () => {
    expect((await call('GET', '/api/face')).body).toMatchObject({ enabled: true, enrolled: 0 })
    const images = [1, 2, 3].map((n) => photo('amy', n).toString('base64'))
    expect(
      (await call('POST', '/api/face/enrol', { personId: 'amy', authorisedBy: 'cadre-1', images })).body,
    ).toMatchObject({
      error: 'noConsent',
    })
    await call('POST', '/api/face/consent', {
      personId: 'amy',
      granted: true,
      textVersion: '2025-1',
      authorisedBy: 'cadre-1',
    })
    const enrolled = await call('POST', '/api/face/enrol', {
      personId: 'amy',
      authorisedBy: 'cadre-1',
      images,
    })
    expect(enrolled).toMatchObject({ status: 201, body: { personId: 'amy', captures: 3 } })

    const done = await checkIn('amy', [4, 5])
    expect(done).toMatchObject({
      state: 'accepted',
      personId: 'amy',
      liveness: { challenge: 'none', passed: true },
    })
    expect(done.score).toBeGreaterThan(0.38)

    const journal = await openDatabaseReadOnly(join(config.dataDir, 'journal.db'))
    const rows = await journal.all<{ type: string; body: string }[]>(
      'SELECT type, body FROM events ORDER BY seq',
    )
    await journal.close()
    expect(rows.map((r) => r.type)).toEqual(['agent.start', 'face.consent', 'face.enrolled', 'checkin'])
    const checkin = JSON.parse(rows[3]!.body)
    expect(checkin).toMatchObject({
      personId: 'amy',
      method: 'face',
      activityId: 'act-1125',
      modelVersion: expect.stringContaining('arcface112'),
    })
    expect(Object.keys(checkin).sort()).toEqual([
      'activityId',
      'liveness',
      'margin',
      'method',
      'modelVersion',
      'personId',
      'score',
    ])
  })

  it('does not take a stranger for the enrolled person, and offers the other ways in', {
    timeout: 60_000,
  }, async () => {
    const done = await checkIn('penny', [1, 2, 3, 4, 5])
    expect(done).toEqual({
      state: 'failed',
      reason: 'notRecognised',
      lastIssue: null,
      fallbacks: ['card', 'qr', 'pin', 'vouch'],
    })
  })

  it('refuses a broken frame with the reason', async () => {
    expect(await call('POST', '/api/camera/frame', Buffer.from('garbage'), 'image/jpeg')).toMatchObject({
      status: 400,
      body: { error: 'imageInvalid' },
    })
  })

  it('deletes a person’s face data with one command, journalled, and prints the receipt', async () => {
    const cli = new URL('../../edge/bin/ejia-face.js', import.meta.url).pathname
    // async: the agent answering it runs in this very process
    const { stdout } = await promisify(execFile)(process.execPath, [
      cli,
      'forget',
      'amy',
      '--by',
      'amy',
      '--api',
      api,
    ])
    expect(JSON.parse(stdout)).toMatchObject({
      removed: true,
      personId: 'amy',
      requestedBy: 'amy',
      reason: 'personRequest',
      template: { sealedSha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      verified: { noRowLeft: true, noBytesLeft: true, notInGallery: true },
      event: { seq: 5 },
    })
    expect((await call('GET', '/api/face')).body).toMatchObject({ enrolled: 0 })
    const again = await call('DELETE', '/api/face/persons/amy', { requestedBy: 'amy' })
    expect(again).toMatchObject({ status: 404, body: { error: 'notEnrolled' } })
  })
})

describe('a kiosk whose faces.db does not open with its key', () => {
  it('starts without face check-in, says why, and signs people in otherwise', async () => {
    const district = makeDistrict(1)
    const config = structuredClone(district.configs[0]!)
    config.hub.mqttUrl = 'mqtt://127.0.0.1:1'
    config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-face-kiosk-'))
    config.localApi.port = 0
    // a faces.db sealed under another key: restored from another kiosk, or the key re-issued
    const other = await SqliteTemplateStore.open(
      join(config.dataDir, 'faces.db'),
      Buffer.alloc(32, 5).toString('base64'),
    )
    const models = await OnnxFaceEngine.load(config.face, DEFAULT_QUALITY)
    const modelVersion = models.modelVersion
    await models.close()
    await other.save({
      personId: 'amy',
      modelVersion,
      template: new Float32Array(512).fill(0.04),
      enrolledAt: Date.now(),
      authorisedBy: 'c',
    })
    await other.close()
    const edge = await startEdge(config, { log })
    try {
      const face = (await (await fetch(`${edge.localApiUrl}/api/face`)).json()) as object
      expect(face).toMatchObject({ enabled: false, reason: expect.stringContaining("this kiosk's key") })
      const status = (await (await fetch(`${edge.localApiUrl}/api/status`)).json()) as {
        health: { faults: object[] }
      }
      expect(status.health.faults).toEqual([
        expect.objectContaining({ device: 'face', code: 'templateKeyMismatch' }),
      ])
      const card = await fetch(`${edge.localApiUrl}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'checkin', body: { personId: 'p-1', method: 'card' } }),
      })
      expect(card.status).toBe(201)
    } finally {
      await edge.stop()
    }
  })
})

describe('a kiosk whose face models are missing', () => {
  it('starts anyway, reports the fault, and refuses face check-in with the reason', async () => {
    const district = makeDistrict(1)
    const config = structuredClone(district.configs[0]!)
    config.hub.mqttUrl = 'mqtt://127.0.0.1:1'
    config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-face-kiosk-'))
    config.localApi.port = 0
    config.face.modelDir = mkdtempSync(join(tmpdir(), 'ejia-no-models-'))
    const edge = await startEdge(config, { log })
    try {
      const status = (await (await fetch(`${edge.localApiUrl}/api/status`)).json()) as {
        health: { faults: object[] }
      }
      expect(status.health.faults).toEqual([
        expect.objectContaining({ device: 'face', code: 'modelMissing' }),
      ])
      const res = await fetch(`${edge.localApiUrl}/api/face/checkin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({
        error: 'faceUnavailable',
        message: expect.stringContaining('npm run models'),
      })
      const card = await fetch(`${edge.localApiUrl}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'checkin', body: { personId: 'p-1', method: 'card' } }),
      })
      expect(card.status).toBe(201) // every other way to sign in still works
    } finally {
      await edge.stop()
    }
  })
})

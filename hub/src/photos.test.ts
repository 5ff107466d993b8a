import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Event, stationTopic } from '@ejia/protocol'
import pino from 'pino'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../../test/helpers/district.js'
import { operatorAuth, startTestHub, type TestHub } from '../../test/helpers/hub.js'
import { checkinEvent, connectStation } from '../../test/helpers/mqtt.js'
import { StationAuth } from './broker/stationAuth.js'
import { createApi } from './http/api.js'
import { MAX_PHOTO_UPLOAD_BYTES } from './http/routes/photos.js'
import { Counters } from './ingest/counters.js'
import { PHOTOS_DIR } from './main.js'
import { PhotoError, type PhotoStore } from './storage/photoStore.js'

type Config = ReturnType<typeof makeDistrict>['configs'][number]
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
const jpeg = (width: number, height: number, shade: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: shade, g: 120, b: 40 } } })
    .jpeg()
    .toBuffer()

/** Medium tier: a real hub (aedes, SQLite, the photo folder), kiosks played by raw MQTT and fetch. */
describe('evidence photos at the hub', () => {
  const district = makeDistrict(4)
  const [a, b, c] = district.configs as [Config, Config, Config] // a and c in one town, b in the other
  const dataDir = mkdtempSync(join(tmpdir(), 'ejia-photos-'))
  let hub: TestHub
  let api: string
  const seqs = new Map<string, number>()

  const upload = (station: Config, photoId: string, body: Buffer, authorization?: string) =>
    fetch(`${api}/api/stations/${station.station.id}/photos/${photoId}`, {
      method: 'PUT',
      headers: {
        'content-type': 'image/jpeg',
        ...(authorization ? { authorization } : {}),
      },
      body,
    })
  const asStation = (s: Config) => basic(s.hub.username, s.hub.password)
  const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any })
  const get = async (path: string) => json(await fetch(`${api}${path}`, { headers: hub.auth }))
  /** Sends events as the station's kiosk does, one batch, and waits for the commit ack. */
  const publish = async (s: Config, events: { type: string; body: object }[]) => {
    const st = await connectStation(`mqtt://127.0.0.1:${hub.mqttPort}`, s.station.id, s.hub.password)
    const batch = events.map((e) => {
      const seq = (seqs.get(s.station.id) ?? 0) + 1
      seqs.set(s.station.id, seq)
      return checkinEvent(s.station.id, seq, e as Partial<Event>)
    })
    const ack = st.nextAck()
    await st.client.publishAsync(
      stationTopic(s.station.id, 'events'),
      JSON.stringify({ sentAt: new Date().toISOString(), events: batch }),
      { qos: 1 },
    )
    expect(await ack).toMatchObject({ accepted: batch.map((e) => e.id), rejected: [] })
    await st.close()
  }
  const photoEvent = (photo: Buffer, body: object) => ({
    type: 'activity.photo',
    body: { photoId: sha256(photo), width: 1280, height: 960, bytes: photo.length, ...body },
  })
  const checkin = (personId: string, activityId: string, extra: object = {}) => ({
    type: 'checkin',
    body: { personId, method: 'card', activityId, ...extra },
  })

  beforeAll(async () => {
    hub = await startTestHub(district.registry, { dataDir })
    api = hub.api
  })
  afterAll(() => hub.stop())

  it('takes a photo only from its own station, named by its hash, a JPEG of at most 8 MiB, once', async () => {
    const photo = await jpeg(1280, 960, 10)
    const id = sha256(photo)
    const anonymous = await upload(a, id, photo)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="ejia hub"/)
    expect((await upload(a, id, photo, basic(a.hub.username, 'not-the-secret'))).status).toBe(401)
    expect(await json(await upload(a, id, photo, asStation(b)))).toMatchObject({
      status: 403,
      body: { error: 'otherStation' },
    })
    expect(await json(await upload(a, sha256(Buffer.from('x')), photo, asStation(a)))).toMatchObject({
      status: 400,
      body: { error: 'hashMismatch' },
    })
    const png = await sharp(photo).png().toBuffer()
    expect(await json(await upload(a, sha256(png), png, asStation(a)))).toMatchObject({
      status: 400,
      body: { error: 'notJpeg' },
    })
    const huge = Buffer.alloc(MAX_PHOTO_UPLOAD_BYTES + 1, 0xff)
    expect((await upload(a, sha256(huge), huge, asStation(a))).status).toBe(413)
    expect(readdirSync(dataDir)).not.toContain(PHOTOS_DIR) // nothing refused was kept

    const first = await json(await upload(a, id, photo, asStation(a)))
    expect(first).toEqual({
      status: 201,
      body: { photoId: id, stored: true, url: `/api/photos/${id}`, thumbUrl: `/api/photos/${id}/thumb` },
    })
    expect(await json(await upload(a, id, photo, asStation(a)))).toMatchObject({
      status: 200,
      body: { stored: false },
    })
    expect(readdirSync(join(dataDir, PHOTOS_DIR, a.station.id)).sort()).toEqual([
      `${id}.jpg`,
      `${id}.thumb.jpg`,
    ])
    expect((await get('/api/stats/ingest')).body.denied.byReason).toMatchObject({
      'upload.noCredentials': 1,
      'upload.badSecret': 1,
      'upload.badClientId': 1,
    })
  })

  it('serves a photo and its thumbnail once a kiosk has recorded it, cacheable for ever', async () => {
    const photo = await jpeg(1280, 960, 10) // the one uploaded above
    const id = sha256(photo)
    expect(await get(`/api/photos/${id}`)).toMatchObject({ status: 404, body: { error: 'notFound' } })
    const later = await jpeg(800, 1200, 20)
    await publish(a, [photoEvent(photo, { purpose: 'evidence' }), photoEvent(later, { purpose: 'evidence' })])

    expect((await fetch(`${api}/api/photos/${id}`)).status).toBe(401) // operators only
    const res = await fetch(`${api}/api/photos/${id}`, { headers: hub.auth })
    expect([res.status, res.headers.get('content-type'), res.headers.get('cache-control')]).toEqual([
      200,
      'image/jpeg',
      'private, max-age=31536000, immutable',
    ])
    expect(Buffer.from(await res.arrayBuffer())).toEqual(photo)
    const thumb = await fetch(`${api}/api/photos/${id}/thumb`, { headers: hub.auth })
    expect(thumb.headers.get('content-type')).toBe('image/jpeg')
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 320, 240])
    const again = await fetch(`${api}/api/photos/${id}`, {
      headers: { ...hub.auth, 'if-none-match': `"${id}"` },
    })
    expect(again.status).toBe(304)
    // station a's photo is for a's town and the district, not for the other town's operator
    const otherTown = await operatorAuth(hub, { username: 'town-b', tier: 'town', scope: b.station.townCode })
    const sameTown = await operatorAuth(hub, { username: 'town-a', tier: 'town', scope: a.station.townCode })
    const refused = await fetch(`${api}/api/photos/${id}/thumb`, { headers: otherTown })
    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([403, 'outOfScope'])
    expect((await fetch(`${api}/api/photos/${id}/thumb`, { headers: sameTown })).status).toBe(200)

    expect(await get(`/api/photos/${sha256(later)}/thumb`)).toMatchObject({
      status: 404,
      body: { error: 'notUploaded' },
    })
    expect((await upload(a, sha256(later), later, asStation(a))).status).toBe(201)
    const tall = await sharp(
      Buffer.from(
        await (await fetch(`${api}/api/photos/${sha256(later)}/thumb`, { headers: hub.auth })).arrayBuffer(),
      ),
    ).metadata()
    expect([tall.width, tall.height]).toEqual([213, 320])
  })

  it("checks each activity record's photos against its sign-ins, and lists the records to inspect", async () => {
    const plan = (activityId: string, station: Config, expected: number) =>
      fetch(`${api}/api/activities/${activityId}`, {
        method: 'PUT',
        headers: { ...hub.auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          stationId: station.station.id,
          kind: 'themeDay',
          theme: 'service',
          title: '主题党日',
          date: '2026-11-25',
          expected: Array.from({ length: expected }, (_, i) => `${activityId}-m${i + 1}`),
          hours: 2,
        }),
      })
    for (const [id, s, n] of [
      ['day-a', a, 8],
      ['day-c', c, 10],
      ['day-b', b, 3],
    ] as const)
      expect((await plan(id, s, n)).status).toBe(200)
    const group = await jpeg(1600, 1200, 30)
    const uncounted = await jpeg(1600, 1200, 40)
    const witness = await jpeg(640, 480, 50)
    const crowd = await jpeg(1600, 1200, 60)
    const few = await jpeg(1600, 1200, 70)
    const people = (activityId: string, n: number) =>
      Array.from({ length: n }, (_, i) => checkin(`${activityId}-m${i + 1}`, activityId))

    // day-a: 6 by card, one vouched with a witness photo, one vouched without: 8 signed in
    const start = { activityId: 'day-a', kind: 'themeDay', theme: 'service', title: '主题党日' }
    // an earlier start of day-a from another village's kiosk is not day-a's start
    await publish(b, [{ type: 'activity.start', body: { ...start, startedBy: 'intruder' } }])
    await publish(a, [
      { type: 'activity.start', body: { ...start, startedBy: 'day-a-m1' } },
      ...people('day-a', 6),
      photoEvent(witness, { purpose: 'witness', activityId: 'day-a', faces: 1 }),
      checkin('day-a-m7', 'day-a', {
        method: 'vouch',
        vouchedBy: 'day-a-m1',
        witnessPhotoId: sha256(witness),
      }),
      checkin('day-a-m8', 'day-a', { method: 'vouch', vouchedBy: 'day-a-m1' }),
      photoEvent(group, { purpose: 'evidence', activityId: 'day-a', faces: 7, takenBy: 'day-a-m1' }),
      photoEvent(uncounted, { purpose: 'evidence', activityId: 'day-a' }),
      { type: 'activity.end', body: { activityId: 'day-a', endedBy: 'day-a-m1' } },
    ])
    // another village's kiosk cannot put its photo, or a sign-in, into day-a's record
    await publish(b, [
      photoEvent(crowd, { purpose: 'evidence', activityId: 'day-a', faces: 40 }),
      checkin('day-a-m9', 'day-a'),
    ])
    // day-c: 10 signed in, the best photo shows 4; day-b: 3 signed in, no photo
    await publish(c, [
      ...people('day-c', 10),
      photoEvent(few, { purpose: 'evidence', activityId: 'day-c', faces: 4 }),
    ])
    await publish(b, people('day-b', 3))
    for (const p of [group, witness]) expect((await upload(a, sha256(p), p, asStation(a))).status).toBe(201)

    const { activities } = (await get('/api/activities?from=2026-11-01&to=2026-11-30')).body
    const day = (id: string) =>
      activities.find((x: { plan: { activityId: string } }) => x.plan.activityId === id)
    const dayA = day('day-a')
    expect(dayA.result).toMatchObject({ present: 6, vouched: 2 })
    expect([dayA.started?.by, dayA.ended?.by]).toEqual(['day-a-m1', 'day-a-m1'])
    expect(Date.parse(dayA.ended.at)).toBeGreaterThanOrEqual(Date.parse(dayA.started.at))
    expect([day('day-c').started, day('day-c').ended]).toEqual([null, null])
    expect(dayA.photoCheck).toEqual({
      outcome: 'ok',
      signedIn: 8,
      best: { photoId: sha256(group), faces: 7 },
      expectedFaces: { min: 4, max: 15 },
      vouchedWithoutWitness: ['day-a-m8'],
      flags: ['witnessMissing'],
    })
    expect(
      dayA.photos.map((p: any) => [p.photoId, p.purpose, p.faces ?? null, p.uploaded, p.stationId, p.url]),
    ).toEqual([
      [sha256(witness), 'witness', 1, true, a.station.id, `/api/photos/${sha256(witness)}`],
      [sha256(group), 'evidence', 7, true, a.station.id, `/api/photos/${sha256(group)}`],
      [sha256(uncounted), 'evidence', null, false, a.station.id, `/api/photos/${sha256(uncounted)}`],
    ])
    const vouched = dayA.signIns.filter((s: { method: string }) => s.method === 'vouch')
    expect(vouched.map((s: any) => [s.personId, s.witness])).toEqual([
      ['day-a-m7', { photoId: sha256(witness), recorded: true, uploaded: true }],
      ['day-a-m8', { photoId: null, recorded: false, uploaded: false }],
    ])
    expect(day('day-c').photoCheck).toMatchObject({
      outcome: 'tooFewFaces',
      signedIn: 10,
      flags: ['tooFewFaces'],
    })
    expect(day('day-b').photoCheck).toMatchObject({ outcome: 'noPhoto', flags: ['noPhoto'] })

    const flagged = async (q: string) =>
      (await get(`/api/activities/flags?from=2026-11-01&to=2026-11-30${q}`)).body.activities.map(
        (x: { activityId: string; flags: string[]; stationName: string }) => [
          x.activityId,
          x.flags,
          x.stationName,
        ],
      )
    expect(await flagged('')).toEqual([
      ['day-a', ['witnessMissing'], a.station.name],
      ['day-b', ['noPhoto'], b.station.name],
      ['day-c', ['tooFewFaces'], c.station.name],
    ])
    expect(await flagged(`&town=${a.station.townCode}`)).toEqual([
      ['day-a', ['witnessMissing'], a.station.name],
      ['day-c', ['tooFewFaces'], c.station.name],
    ])
  })
})

describe('photo upload when the disk is full', () => {
  it('answers 507 with the reason, so the kiosk keeps the photo and retries', async () => {
    const district = makeDistrict(1)
    const [s] = district.configs as [Config]
    const full: PhotoStore = {
      put: async () => {
        throw new PhotoError('diskFull', "the hub's disk is full: the photo was not stored")
      },
      uploaded: async () => new Set(),
      open: async () => undefined,
    }
    const app = await createApi(
      {
        photos: full,
        stationAuth: new StationAuth(district.registry),
        counters: new Counters(),
        version: 't',
      } as never,
      pino({ level: 'silent' }),
    )
    const photo = await jpeg(64, 64, 0)
    const res = await app.inject({
      method: 'PUT',
      url: `/api/stations/${s.station.id}/photos/${sha256(photo)}`,
      headers: { 'content-type': 'image/jpeg', authorization: basic(s.hub.username, s.hub.password) },
      payload: photo,
    })
    expect([res.statusCode, res.json()]).toEqual([
      507,
      { error: 'diskFull', message: "the hub's disk is full: the photo was not stored" },
    ])
    await app.close()
  })
})

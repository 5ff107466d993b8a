import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { type EdgeHandle, startEdge } from '@ejia/edge'
import { DEFAULT_QUALITY, decodeImage, OnnxFaceEngine, SqliteTemplateStore } from '@ejia/edge/face'
import { openDatabaseReadOnly } from '@ejia/platform'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TcpFaultProxy } from '../faults/tcpProxy.js'
import { haveBrowser, launchChromium } from '../helpers/browser.js'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub, TEST_ADMIN, type TestHub } from '../helpers/hub.js'
import { findTemplateLeaks, type Secrets } from '../helpers/templateLeaks.js'
import { until } from '../helpers/wait.js'

// the labelled photos beside the project (never copied into it); EJIA_FACES_DIR overrides
const FACES = process.env.EJIA_FACES_DIR ?? new URL('../../../shared/faces/', import.meta.url).pathname
const haveFaces = existsSync(FACES)
const photo = (person: string, n: number) => readFileSync(join(FACES, person, `${person}${n}.png`))
// a group photo, installed with the models (scripts/fetch-models.mjs)
const GROUP = new URL('../../.cache/ejia-models/face-api-demo-1.7.15/sample1.jpg', import.meta.url).pathname
const CLI = new URL('../../edge/bin/ejia-face.js', import.meta.url).pathname
const log = pino({ level: 'silent' })

type Json = Record<string, any>

/**
 * Issue 10: face templates never leave the kiosk. A real kiosk agent with the real face models
 * works with a real hub for a while — roster sync, a remote setting and a command from the hub,
 * consent, enrolment from real photos, face check-ins, a vouch with a witness photo, an evidence
 * photo, heartbeats, a consent withdrawn and a deletion by `ejia-face forget` — through two TCP
 * proxies (MQTT and the HTTP photo uploads) that keep every byte the kiosk sends. Then every
 * byte is searched for the templates (read back from faces.db with the kiosk's key), the
 * embeddings of every photo shown to it, and the sealed rows of faces.db, in every form
 * templateLeaks.ts knows. The last case leaks a template on purpose, to show the search sees it.
 * The MQTT link is plain here so the bytes can be read; on a kiosk it is TLS as well.
 */
describe.skipIf(!haveFaces)('what the hub receives from a face kiosk', () => {
  const district = makeDistrict(1)
  const station = district.configs[0]!.station.id
  const person = (id: string) => `${station}-${id}`
  const amy = person('m001')
  const penny = person('m002')
  const howard = person('m003')
  const cadre = person('c001')
  const config = structuredClone(district.configs[0]!)
  /** Every chunk the kiosk sent, by link and connection, in order. */
  const sent = new Map<string, Buffer[]>()
  const secrets: Secrets = { vectors: [], blobs: [] }
  let hub: TestHub
  let mqtt: TcpFaultProxy
  let http: TcpFaultProxy
  let edge: EdgeHandle
  let kiosk: string
  const receipts: Json[] = []

  /** How far each connection's stream has got, to read what comes after. */
  const mark = () => new Map([...sent].map(([k, chunks]) => [k, chunks.length]))
  /** Every byte the kiosk has sent on either link (since a mark), connection by connection. */
  const everythingSent = (since = new Map<string, number>()) =>
    Buffer.concat([...sent].map(([k, chunks]) => Buffer.concat(chunks.slice(since.get(k) ?? 0))))
  const call = async (base: string, method: string, path: string, body?: unknown, headers = {}) => {
    const binary = Buffer.isBuffer(body)
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...headers,
        ...(body === undefined ? {} : { 'content-type': binary ? 'image/png' : 'application/json' }),
      },
      ...(body === undefined ? {} : { body: binary ? new Uint8Array(body) : JSON.stringify(body) }),
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json }
  }
  const local = (method: string, path: string, body?: unknown) => call(kiosk, method, path, body)
  const office = (method: string, path: string, body?: unknown) => call(hub.api, method, path, body, hub.auth)
  const ledger = async (type: string) =>
    (await office('GET', `/api/events?station=${station}&type=${type}&limit=1000`)).body.events as Json[]

  beforeAll(async () => {
    hub = await startTestHub(district.registry, { rosterSync: { resendAfterMs: 1000 } })
    mqtt = await TcpFaultProxy.start({ host: '127.0.0.1', port: hub.mqttPort })
    http = await TcpFaultProxy.start({ host: '127.0.0.1', port: hub.httpPort })
    for (const [name, proxy] of [
      ['mqtt', mqtt],
      ['http', http],
    ] as const) {
      proxy.onUpstream = (chunk, connection) => {
        const key = `${name}:${connection}`
        sent.set(key, [...(sent.get(key) ?? []), Buffer.from(chunk)])
      }
    }
    const people = [
      { personId: cadre, stationId: station, name: '袁娜', roles: ['cadre', 'member'] },
      { personId: amy, stationId: station, name: '艾米', roles: ['member'] },
      { personId: penny, stationId: station, name: '潘妮', roles: ['villager'] },
      { personId: howard, stationId: station, name: '霍华', roles: ['villager'] },
    ]
    expect((await office('PUT', '/api/people', { people })).status).toBe(200)
    expect((await office('PUT', `/api/people/${cadre}/pin`, { pin: '2580' })).status).toBe(200)

    config.hub.mqttUrl = mqtt.url
    config.hub.httpUrl = `http://127.0.0.1:${http.port}`
    config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-face-leak-'))
    config.localApi.port = 0
    config.camera = { type: 'push', fps: 5 }
    config.uplink.heartbeatIntervalS = 1
    config.uplink.reconnectPeriodS = 0.3
    edge = await startEdge(config, { log })
    kiosk = edge.localApiUrl!
    await until('the roster at the kiosk', async () =>
      (await local('GET', `/api/people/${penny}`)).status === 200 ? true : undefined,
    )
  }, 60_000)

  afterAll(async () => {
    await edge?.stop()
    await mqtt?.close()
    await http?.close()
    await hub?.stop()
  })

  it('takes face.retentionDays and a command from the hub', { timeout: 60_000 }, async () => {
    const pushed = await office('PUT', '/api/config', {
      target: { station },
      settings: { face: { retentionDays: 400 } },
    })
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200)
    await until('the kiosk to apply the setting', async () => {
      const c = (await office('GET', `/api/config?station=${station}`)).body.stations[0]
      return c.state === 'applied' ? c : undefined
    })
    // the agent restarted in-process on the new settings, its face check-in with it
    const face = await until('face check-in back after the restart', async () => {
      const r = await local('GET', '/api/face').catch(() => undefined)
      return r?.body.enabled ? r.body : undefined
    })
    expect(face.retentionDays).toBe(400)
    const command = await office('POST', '/api/commands', {
      target: { station },
      name: 'resyncRoster',
      args: {},
    })
    expect(command.status).toBe(201)
    const id = command.body.commands[0].commandId as string
    const finished = await until('the resync to finish', async () => {
      const list = (await office('GET', `/api/commands?station=${station}`)).body.commands as Json[]
      return list.find((c) => c.commandId === id && !['pending', 'accepted'].includes(c.state))
    })
    expect(finished.state).toBe('succeeded')
  })

  it('enrols, checks in, vouches, takes photos, withdraws and deletes, with receipts', {
    timeout: 120_000,
  }, async () => {
    const consent = (personId: string, granted: boolean) =>
      local('POST', '/api/face/consent', {
        personId,
        granted,
        textVersion: 'face-consent-zh-2025.2',
        authorisedBy: cadre,
      })
    const images = (who: string) => [1, 2, 3].map((n) => photo(who, n).toString('base64'))
    for (const [personId, who] of [
      [amy, 'amy'],
      [penny, 'penny'],
      [howard, 'howard'],
    ] as const) {
      expect((await consent(personId, true)).status).toBe(201)
      const enrolled = await local('POST', '/api/face/enrol', {
        personId,
        authorisedBy: cadre,
        images: images(who),
      })
      expect(enrolled, JSON.stringify(enrolled.body)).toMatchObject({ status: 201, body: { captures: 3 } })
    }

    // the secrets the search looks for: the templates as the kiosk keeps them (opened with its
    // key), the sealed rows, and the embedding of every photo the kiosk is shown
    const { modelVersion } = (await local('GET', '/api/face')).body
    const facesDb = join(config.dataDir, 'faces.db')
    const store = await SqliteTemplateStore.open(facesDb, config.face.templateKey as string)
    const { templates } = await store.load(modelVersion)
    await store.close()
    expect(templates.map((t) => [t.personId, t.template.length]).sort()).toEqual([
      [amy, 512],
      [penny, 512],
      [howard, 512],
    ])
    for (const t of templates) secrets.vectors.push({ name: `template of ${t.personId}`, vector: t.template })
    const db = await openDatabaseReadOnly(facesDb)
    const rows = await db.all<{ person_id: string; iv: Buffer; tag: Buffer; data: Buffer }[]>(
      'SELECT person_id, iv, tag, data FROM templates',
    )
    await db.close()
    for (const r of rows) secrets.blobs?.push({ name: `sealed row of ${r.person_id}`, bytes: r.data })
    const engine = await OnnxFaceEngine.load(config.face, DEFAULT_QUALITY)
    try {
      for (const who of ['amy', 'penny', 'howard'])
        for (const n of [1, 2, 3, 4, 5]) {
          const a = await engine.analyse(await decodeImage(photo(who, n)))
          if (a.ok) secrets.vectors.push({ name: `embedding of ${who}${n}`, vector: a.embedding })
        }
    } finally {
      await engine.close()
    }
    expect(secrets.vectors.length).toBeGreaterThanOrEqual(10)

    // at rest: the file and its WAL, as a thief would read them, hold the sealed rows and
    // nothing of a template in any form
    const onDisk = Buffer.concat(
      [facesDb, `${facesDb}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
    )
    expect(rows.every((r) => onDisk.includes(r.data))).toBe(true)
    expect(findTemplateLeaks(onDisk, { vectors: secrets.vectors })).toEqual([])

    // a face check-in, pushing frames as the kiosk UI does
    expect((await local('POST', '/api/face/checkin', {})).body).toMatchObject({ state: 'looking' })
    let i = 0
    const done = await until('the face check-in', async () => {
      await local('POST', '/api/camera/frame', photo('amy', 4 + (i++ % 2)))
      const s = (await local('GET', '/api/face/checkin')).body
      return s.state === 'looking' ? undefined : s
    })
    expect(done).toMatchObject({ state: 'accepted', personId: amy })

    // penny by a cadre's word, with a witness photo; an evidence photo of the group
    const witness = await local('POST', `/api/photos?purpose=witness&takenBy=${cadre}`, photo('penny', 4))
    expect(witness.status).toBe(201)
    const vouched = await local('POST', '/api/signin/vouch', {
      personId: penny,
      cadreId: cadre,
      cadrePin: '2580',
      witnessPhotoId: witness.body.photoId,
    })
    expect(vouched).toMatchObject({ status: 200, body: { kind: 'checkin', method: 'vouch' } })
    const evidence = await fetch(`${kiosk}/api/photos?purpose=evidence&takenBy=${cadre}`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg' },
      body: new Uint8Array(readFileSync(GROUP)),
    })
    expect(evidence.status).toBe(201)
    const photoIds = [witness.body.photoId as string, ((await evidence.json()) as Json).photoId as string]

    // penny withdraws consent: her template goes at once, with a receipt
    const withdrawn = await consent(penny, false)
    expect(withdrawn.body.deletion).toMatchObject({
      personId: penny,
      reason: 'consentWithdrawn',
      verified: { noRowLeft: true, noBytesLeft: true, notInGallery: true },
    })
    receipts.push(withdrawn.body.deletion)

    // amy asks for hers to be deleted: the command prints the receipt
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [
      CLI,
      'forget',
      amy,
      '--by',
      amy,
      '--api',
      kiosk,
    ])
    const receipt = JSON.parse(stdout) as Json
    const sealedAmy = rows.find((r) => r.person_id === amy)!
    expect(receipt).toMatchObject({
      removed: true,
      personId: amy,
      requestedBy: amy,
      reason: 'personRequest',
      template: { modelVersion },
      verified: { noRowLeft: true, noBytesLeft: true, notInGallery: true },
      event: { id: expect.any(String), seq: expect.any(Number) },
    })
    expect(stderr).toContain(`deleted the face template of ${amy}`)
    expect(stderr).toContain(receipt.template.sealedSha256)
    receipts.push(receipt)

    // howard asks at the town office: the hub sends forgetFace, the kiosk answers with the receipt
    const forget = await office('POST', '/api/commands', {
      target: { station },
      name: 'forgetFace',
      args: { personId: howard, reason: 'personRequest' },
    })
    expect(forget.status, JSON.stringify(forget.body)).toBe(201)
    const forgetId = forget.body.commands[0].commandId as string
    const forgotten = await until('the kiosk to answer forgetFace', async () => {
      const list = (await office('GET', `/api/commands?station=${station}`)).body.commands as Json[]
      return list.find((c) => c.commandId === forgetId && !['pending', 'accepted'].includes(c.state))
    })
    const sealedHoward = rows.find((r) => r.person_id === howard)!
    const howardDigest = createHash('sha256')
      .update(sealedHoward.iv)
      .update(sealedHoward.tag)
      .update(sealedHoward.data)
      .digest('hex')
    expect(forgotten).toMatchObject({ state: 'succeeded', issuedBy: expect.any(String) })
    expect(forgotten.detail).toContain(`face template of ${howard} deleted (personRequest)`)
    expect(forgotten.detail).toContain(howardDigest)
    // a second request finds nothing to delete, and says so
    const again = await office('POST', '/api/commands', {
      target: { station },
      name: 'forgetFace',
      args: { personId: howard, reason: 'personRequest' },
    })
    const againId = again.body.commands[0].commandId as string
    const nothing = await until('the second answer', async () => {
      const list = (await office('GET', `/api/commands?station=${station}`)).body.commands as Json[]
      return list.find((c) => c.commandId === againId && !['pending', 'accepted'].includes(c.state))
    })
    expect(nothing).toMatchObject({
      state: 'succeeded',
      detail: expect.stringContaining('nothing to delete'),
    })
    // the same digest a reader of the old row would compute; the row and its bytes are gone
    expect(receipt.template.sealedSha256).toBe(
      createHash('sha256').update(sealedAmy.iv).update(sealedAmy.tag).update(sealedAmy.data).digest('hex'),
    )
    const after = Buffer.concat(
      [facesDb, `${facesDb}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
    )
    expect(rows.some((r) => after.includes(r.data))).toBe(false)
    expect((await local('GET', '/api/face')).body).toMatchObject({ enrolled: 0 })
    // no frame of an enrolment or a check-in was kept: the only images on disk are the photos
    const onDiskImages = readdirSync(config.dataDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
      /\.(jpe?g|png|webp)$/i.test(f),
    )
    expect(onDiskImages.sort()).toEqual(
      photoIds.flatMap((id) => [`photos/${id}.jpg`, `photos/${id}.thumb.jpg`]).sort(),
    )

    // the hub has it all: both deletions as the receipts name them, the photos, the check-ins
    const deleted = await until('the three deletions at the hub', async () => {
      const events = await ledger('face.deleted')
      return events.length === 3 ? events : undefined
    })
    expect(deleted.find((e) => e.body.personId === howard)?.body).toEqual({
      personId: howard,
      requestedBy: `hub:${forgetId}`,
      reason: 'personRequest',
      sealedSha256: howardDigest,
      enrolledAt: expect.any(String),
    })
    for (const r of receipts) {
      expect(deleted).toContainEqual(
        expect.objectContaining({
          id: r.event.id,
          seq: r.event.seq,
          body: {
            personId: r.personId,
            requestedBy: r.requestedBy,
            reason: r.reason,
            sealedSha256: r.template.sealedSha256,
            enrolledAt: r.template.enrolledAt,
          },
        }),
      )
    }
    for (const id of photoIds)
      await until(`photo ${id} at the hub`, async () =>
        (await fetch(`${hub.api}/api/photos/${id}`, { headers: hub.auth })).status === 200 ? true : undefined,
      )
    // consents are records of their own type in the ledger, never attendance
    expect((await ledger('face.consent')).map((e) => [e.body.personId, e.body.granted])).toEqual([
      [amy, true],
      [penny, true],
      [howard, true],
      [penny, false],
    ])
    expect((await ledger('checkin')).map((e) => [e.body.personId, e.body.method])).toEqual([
      [amy, 'face'],
      [penny, 'vouch'],
    ])
    // a few more heartbeats after all that
    await new Promise((r) => setTimeout(r, 2500))
  })

  it('sent nothing of a template: every byte the hub received is searched', () => {
    const wire = everythingSent()
    // the search reads the real traffic: the check-in, a heartbeat, a JPEG, the deletion
    expect(wire.includes(Buffer.from('"method":"face"'))).toBe(true)
    expect(wire.includes(Buffer.from('"backlog"'))).toBe(true)
    expect(wire.includes(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true)
    expect(wire.includes(Buffer.from(receipts[1]?.template.sealedSha256 ?? '-'))).toBe(true)
    expect(findTemplateLeaks(wire, secrets)).toEqual([])
  })

  it.skipIf(!haveBrowser)(
    'shows operators the station’s face deletions and why, in the records',
    {
      timeout: 60_000,
    },
    async () => {
      const browser = await launchChromium()
      try {
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
        await page.goto(`${hub.api}/records?tab=events&station=${station}&type=face.deleted`)
        // as text: this folder is type-checked without the DOM's types
        const onPage = (name: string) => page.waitForFunction(`document.body.dataset.page === '${name}'`)
        await onPage('login')
        await page.fill('input[name="username"]', TEST_ADMIN.username)
        await page.fill('input[name="password"]', TEST_ADMIN.password)
        await page.click('button[type="submit"]')
        await onPage('records')
        const rows = page.locator('[data-testid="event-row"]')
        await until('the deletions listed', async () => ((await rows.count()) === 3 ? true : undefined))
        const shown = await rows.evaluateAll((r) =>
          r.map((x) => [x.getAttribute('data-type'), x.getAttribute('data-person'), x.textContent ?? '']),
        )
        expect(shown.map(([type, who]) => [type, who]).sort()).toEqual(
          [
            ['face.deleted', amy],
            ['face.deleted', howard],
            ['face.deleted', penny],
          ].sort(),
        )
        const why = new Map(shown.map(([, who, text]) => [who, text]))
        expect(why.get(amy)).toContain('本人要求删除')
        expect(why.get(penny)).toContain('撤回同意')
        expect(why.get(howard)).toContain('本人要求删除')
      } finally {
        await browser.close()
      }
    },
  )

  it('would have found a template had the kiosk sent one', { timeout: 30_000 }, async () => {
    // a fault whose message carries part of a template: the heartbeat takes it to the hub
    const before = mark()
    const t = secrets.vectors[0]!.vector
    const slice = Buffer.from(t.buffer, t.byteOffset + 64, 96)
    edge.agent.faults.set(
      'leakProbe',
      'probe',
      `${slice.toString('base64')} ${JSON.stringify(Array.from(t.subarray(40, 52)))}`,
    )
    try {
      await until('a heartbeat with the probe', async () =>
        everythingSent(before).includes(Buffer.from('leakProbe')) ? true : undefined,
      )
      const leaks = findTemplateLeaks(everythingSent(before), secrets)
      expect(leaks.map((l) => [l.form, l.what])).toEqual([
        ['base64', `${secrets.vectors[0]!.name} (float32)`],
        ['numbers', `${secrets.vectors[0]!.name} (values 40–47)`],
      ])
    } finally {
      edge.agent.faults.clear('leakProbe')
    }
  })
})

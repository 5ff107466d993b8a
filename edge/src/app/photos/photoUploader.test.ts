import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { HttpPhotoHub } from '../../adapters/hub/httpPhotoHub.js'
import { SqlitePhotoStore } from '../../adapters/sqlite/sqlitePhotoStore.js'
import { systemClock } from '../../adapters/system/systemClock.js'
import { FaultBoard } from '../faults.js'
import { photoKit, silent, testImage } from './photoKit.fixture.js'
import { PhotoUploader, type PhotoUploaderOptions } from './photoUploader.js'

const STATION = '339901001001'
const PASSWORD = 'a-station-secret-of-32-chars-xx'

interface Received {
  method: string
  url: string
  auth: string | undefined
  type: string | undefined
  sha256: string
}

/**
 * A stand-in for the hub's photo API on an ephemeral port: records what it receives and
 * answers with the status `answer` gives (201 by default, 200 for a photo it has).
 */
async function fakeHub(port = 0) {
  const received: Received[] = []
  const have = new Set<string>()
  let answer: (r: Received) => number = (r) => (have.has(r.url) ? 200 : 201)
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const r: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        auth: req.headers.authorization,
        type: req.headers['content-type'],
        sha256: createHash('sha256').update(Buffer.concat(chunks)).digest('hex'),
      }
      received.push(r)
      const status = answer(r)
      if (status === 201 || status === 200) have.add(r.url)
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }))
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    received,
    port: (server.address() as AddressInfo).port,
    answerWith(fn: (r: Received) => number) {
      answer = fn
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const fast: PhotoUploaderOptions = {
  periodMs: 60_000,
  retentionMs: 30 * 86_400_000,
  backoff: { initialMs: 20, maxMs: 100 },
  refusedRetryMs: 86_400_000,
  random: () => 1,
}

const running: { stop(): Promise<void> }[] = []
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop()
})

/** Kept photos, and an uploader for them that talks to the hub at `port`. */
async function setup(port: number, photos = 1) {
  const kit = await photoKit()
  const ids: string[] = []
  for (let i = 0; i < photos; i++) {
    const input = await testImage(320 + i * 16, 240, i)
      .jpeg()
      .toBuffer()
    ids.push((await kit.service.take(input, { purpose: 'evidence', activityId: 'act-1' })).photoId)
  }
  const faults = new FaultBoard(systemClock)
  const uploader = (store = kit.store, opts = fast) => {
    const u = new PhotoUploader(
      {
        store,
        hub: new HttpPhotoHub({
          baseUrl: `http://127.0.0.1:${port}/`,
          stationId: STATION,
          username: STATION,
          password: PASSWORD,
          timeoutMs: 2000,
        }),
        clock: systemClock,
        faults,
        log: silent,
      },
      opts,
    )
    running.push(u)
    return u
  }
  return { kit, ids, faults, uploader }
}

describe('PhotoUploader against an HTTP hub', () => {
  it('PUTs each photo with the station credentials, its bytes hashing to its id, once', async () => {
    const hub = await fakeHub()
    const { kit, ids, uploader } = await setup(hub.port, 2)
    const u = uploader()
    u.start()
    await vi.waitFor(async () => expect(await kit.store.counts()).toEqual({ waiting: 0, refused: 0 }))
    expect(hub.received).toEqual(
      ids.map((id) => ({
        method: 'PUT',
        url: `/api/stations/${STATION}/photos/${id}`,
        auth: `Basic ${Buffer.from(`${STATION}:${PASSWORD}`).toString('base64')}`,
        type: 'image/jpeg',
        sha256: id,
      })),
    )
    // another pass finds nothing to send
    u.kick()
    await new Promise((r) => setTimeout(r, 100))
    expect(hub.received).toHaveLength(2)
    expect(u.stats()).toEqual({ uploaded: 2, failures: 0 })
    await hub.close()
  })

  it('retries after a 503 and after the hub was down, and sends a new photo when kicked', async () => {
    const hub = await fakeHub()
    let busy = 2
    hub.answerWith(() => (busy-- > 0 ? 503 : 201))
    const { kit, ids, uploader } = await setup(hub.port)
    const u = uploader()
    u.start()
    await vi.waitFor(async () => expect(await kit.store.counts()).toEqual({ waiting: 0, refused: 0 }))
    expect(hub.received.map((r) => r.sha256)).toEqual([ids[0], ids[0], ids[0]])

    // the hub goes away; a new photo waits, and goes once the hub is back on its port
    const port = hub.port
    await hub.close()
    const next = await kit.service.take(await testImage(500, 400, 9).jpeg().toBuffer(), {
      purpose: 'witness',
    })
    u.kick()
    await vi.waitFor(() => expect(u.stats().failures).toBeGreaterThanOrEqual(2))
    expect(await kit.store.counts()).toEqual({ waiting: 1, refused: 0 })
    const back = await fakeHub(port)
    await vi.waitFor(async () => expect(await kit.store.counts()).toEqual({ waiting: 0, refused: 0 }))
    expect(back.received.map((r) => r.sha256)).toEqual([next.photoId])
    expect(u.stats().failures).toBe(0)
    await back.close()
  })

  it('raises the photos fault when the hub refuses the credentials, and clears it once uploads work', async () => {
    const hub = await fakeHub()
    hub.answerWith(() => 401)
    const { kit, faults, uploader } = await setup(hub.port)
    uploader().start()
    await vi.waitFor(() =>
      expect(faults.list()).toMatchObject([
        { device: 'photos', code: 'hubAuthRefused', message: expect.stringContaining('401') },
      ]),
    )
    expect(await kit.store.counts()).toEqual({ waiting: 1, refused: 0 })
    hub.answerWith(() => 201)
    await vi.waitFor(async () => expect(await kit.store.counts()).toEqual({ waiting: 0, refused: 0 }))
    expect(faults.list()).toEqual([])
    await hub.close()
  })

  it('sets a refused photo aside for a day and sends the others', async () => {
    const hub = await fakeHub()
    const { kit, ids, faults, uploader } = await setup(hub.port, 3)
    hub.answerWith((r) => (r.sha256 === ids[0] ? 400 : 201))
    const u = uploader()
    u.start()
    await vi.waitFor(async () => expect(await kit.store.counts()).toEqual({ waiting: 1, refused: 1 }))
    expect(hub.received.map((r) => r.sha256)).toEqual(ids)
    // the fault was raised for the refusal, then cleared by the next upload that worked
    expect(faults.list()).toEqual([])
    expect((await kit.store.get(ids[0] as string))?.refused).toContain('400')
    u.kick()
    await new Promise((r) => setTimeout(r, 100))
    expect(hub.received).toHaveLength(3)
    await hub.close()
  })

  it('raises the fault while the hub refuses the only photo, with the reason', async () => {
    const hub = await fakeHub()
    hub.answerWith(() => 400)
    const { faults, uploader } = await setup(hub.port)
    uploader().start()
    await vi.waitFor(() =>
      expect(faults.list()).toMatchObject([
        { device: 'photos', code: 'photoRefused', message: expect.stringContaining('answered 400') },
      ]),
    )
    await hub.close()
  })

  it('remembers what was uploaded across a restart, and deletes full-size photos past retention', async () => {
    const hub = await fakeHub()
    const { kit, ids, uploader } = await setup(hub.port, 2)
    const first = uploader()
    first.start()
    await vi.waitFor(async () => expect(await kit.store.counts()).toEqual({ waiting: 0, refused: 0 }))
    await first.stop()
    await kit.store.close()

    // a new process: the same files, a fresh store and uploader, retention already past
    const store = await SqlitePhotoStore.open(join(kit.dataDir, 'photos.db'), kit.dir)
    const again = uploader(store, { ...fast, retentionMs: -60_000 })
    const pruned = vi.waitFor(() => expect(existsSync(join(kit.dir, `${ids[0]}.jpg`))).toBe(false))
    again.start()
    await pruned
    expect(hub.received).toHaveLength(2)
    for (const id of ids) {
      expect(await store.read(id, 'full')).toBeUndefined()
      expect(await store.read(id, 'thumb')).toBeInstanceOf(Buffer)
      expect((await store.get(id))?.prunedAt).toBeTypeOf('number')
    }
    await again.stop()
    await store.close()
    await hub.close()
  })

  it('stops promptly, abandoning an upload the hub does not answer', async () => {
    const server = createServer(() => undefined)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { kit, uploader } = await setup((server.address() as AddressInfo).port)
    const u = uploader()
    u.start()
    await new Promise((r) => setTimeout(r, 100))
    const started = Date.now()
    await u.stop()
    expect(Date.now() - started).toBeLessThan(1000)
    expect(await kit.store.counts()).toEqual({ waiting: 1, refused: 0 })
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
})

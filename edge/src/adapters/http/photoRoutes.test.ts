import { createHash } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { photoKit, silent, testImage } from '../../app/photos/photoKit.fixture.js'
import type { LocalApp } from './faceRoutes.js'
import { imageBodies } from './imageBody.js'
import { photoRoutes } from './photoRoutes.js'

/** The photo routes as the local API mounts them, on the real service. */
async function api(kit: Awaited<ReturnType<typeof photoKit>>) {
  const app = Fastify({
    loggerInstance: silent,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as LocalApp
  imageBodies(app)
  photoRoutes(app, { service: kit.service, retentionDays: 30, log: silent })
  await app.ready()
  return app
}

const post = (
  app: LocalApp,
  body: Buffer,
  type = 'image/jpeg',
  query = 'purpose=evidence&activityId=act-1',
) => app.inject({ method: 'POST', url: `/api/photos?${query}`, headers: { 'content-type': type }, body })

describe('local API: photos', () => {
  it('keeps a posted photo (201), answers a repeat with 200, and serves the photo and its thumbnail', async () => {
    const kit = await photoKit()
    const app = await api(kit)
    const jpeg = await testImage(2000, 1500).jpeg().toBuffer()
    const res = await post(app, jpeg, 'image/jpeg', 'purpose=evidence&activityId=act-1&takenBy=cadre-1')
    expect(res.statusCode).toBe(201)
    const photo = res.json()
    expect(photo).toEqual({
      photoId: expect.stringMatching(/^[0-9a-f]{64}$/),
      width: 1600,
      height: 1200,
      bytes: expect.any(Number),
      duplicate: false,
    })
    expect(
      (await post(app, jpeg, 'image/jpeg', 'purpose=evidence&activityId=act-1&takenBy=cadre-1')).json(),
    ).toEqual({
      ...photo,
      duplicate: true,
    })
    expect((await post(app, jpeg)).statusCode).toBe(200)

    const full = await app.inject({ method: 'GET', url: `/api/photos/${photo.photoId}` })
    expect(full.statusCode).toBe(200)
    expect(full.headers['content-type']).toBe('image/jpeg')
    expect(full.rawPayload.length).toBe(photo.bytes)
    expect(createHash('sha256').update(full.rawPayload).digest('hex')).toBe(photo.photoId)
    const thumb = await app.inject({ method: 'GET', url: `/api/photos/${photo.photoId}/thumb` })
    expect(thumb.statusCode).toBe(200)
    expect(thumb.rawPayload.length).toBeLessThan(photo.bytes)

    // once the hub has it and retention has passed, the full-size photo is gone, the thumbnail stays
    await kit.store.markUploaded(photo.photoId, 1)
    await kit.store.prune(2, 3)
    expect((await app.inject({ method: 'GET', url: `/api/photos/${photo.photoId}` })).json()).toMatchObject({
      error: 'photoPruned',
    })
    expect((await app.inject({ method: 'GET', url: `/api/photos/${photo.photoId}` })).statusCode).toBe(410)
    expect((await app.inject({ method: 'GET', url: `/api/photos/${photo.photoId}/thumb` })).statusCode).toBe(
      200,
    )
    await app.close()
  })

  it('takes a PNG', async () => {
    const kit = await photoKit()
    const app = await api(kit)
    const res = await post(app, await testImage(300, 200).png().toBuffer(), 'image/png', 'purpose=witness')
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ width: 300, height: 200 })
    await app.close()
  })

  it('answers every refusal with a status and an { error, message } the UI can show', async () => {
    const kit = await photoKit()
    const app = await api(kit)
    const jpeg = await testImage(200, 200).jpeg().toBuffer()
    const cases: [Promise<{ statusCode: number; json(): unknown }>, number, string][] = [
      [post(app, Buffer.from('hello'), 'text/plain'), 415, 'unsupportedImage'],
      [post(app, await testImage(200, 200).webp().toBuffer(), 'image/webp'), 415, 'unsupportedImage'],
      [post(app, Buffer.from('GIF89a not really'), 'image/jpeg'), 400, 'notAnImage'],
      [post(app, await testImage(40, 40).jpeg().toBuffer()), 400, 'photoTooSmall'],
      [post(app, Buffer.alloc(15 * 1024 * 1024 + 10), 'image/jpeg'), 413, 'photoTooLarge'],
      [post(app, jpeg, 'image/jpeg', 'activityId=act-1'), 400, 'invalidRequest'],
      [post(app, jpeg, 'image/jpeg', 'purpose=selfie'), 400, 'invalidRequest'],
      [post(app, jpeg, 'image/jpeg', 'purpose=evidence&takenBy=no%20spaces'), 400, 'invalidRequest'],
      [app.inject({ method: 'GET', url: `/api/photos/${'0'.repeat(64)}` }), 404, 'photoNotFound'],
      [app.inject({ method: 'GET', url: '/api/photos/not-a-hash/thumb' }), 400, 'invalidRequest'],
    ]
    for (const [res, status, error] of cases) {
      const r = await res
      expect({ status: r.statusCode, body: r.json() }).toEqual({
        status,
        body: expect.objectContaining({ error, message: expect.any(String) }),
      })
    }
    expect(await kit.events()).toEqual([])
    await app.close()
  })

  it('answers 507 when the disk is full', async () => {
    const kit = await photoKit({
      write: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
      },
    })
    const app = await api(kit)
    const res = await post(app, await testImage(200, 200).jpeg().toBuffer())
    expect(res.statusCode).toBe(507)
    expect(res.json()).toMatchObject({ error: 'diskFull' })
    await app.close()
  })
})

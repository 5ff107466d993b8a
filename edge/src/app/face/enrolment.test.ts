import { readFileSync } from 'node:fs'
import { openDatabaseReadOnly } from '@ejia/platform'
import { describe, expect, it } from 'vitest'
import { SqliteTemplateStore } from '../../adapters/sqlite/sqliteTemplateStore.js'
import { FACES, faceKit, frame } from './faceKit.fixture.js'

describe('face enrolment and deletion', () => {
  it('needs the person’s recorded consent first, journalled as its own event', async () => {
    const k = await faceKit()
    await expect(
      k.service.enrolment.enrol('alice', 'cadre-1', [frame(1), frame(1), frame(1)]),
    ).rejects.toMatchObject({
      code: 'noConsent',
    })
    await k.enrol('alice', FACES.alice)
    expect((await k.events()).map((e) => e.type)).toEqual(['face.consent', 'face.enrolled'])
    expect((await k.events())[1]?.body).toMatchObject({
      personId: 'alice',
      authorisedBy: 'cadre-1',
      captures: 3,
      replaced: false,
    })
  })

  it('refuses bad captures with their reasons and needs three good ones', async () => {
    const k = await faceKit()
    await k.service.enrolment.recordConsent({
      personId: 'bob',
      granted: true,
      textVersion: 'v1',
      authorisedBy: 'c',
    })
    await expect(
      k.service.enrolment.enrol('bob', 'c', [
        frame(FACES.bob),
        frame(FACES.dark),
        frame(0),
        frame(FACES.bob),
      ]),
    ).rejects.toMatchObject({
      code: 'tooFewCaptures',
      detail: {
        rejected: [
          { index: 1, issue: 'tooDark' },
          { index: 2, issue: 'noFace' },
        ],
      },
    })
    await expect(
      k.service.enrolment.enrol('bob', 'c', [frame(FACES.bob), frame(FACES.alice), frame(FACES.bob)]),
    ).rejects.toMatchObject({ code: 'capturesDisagree' })
  })

  it('keeps templates encrypted at rest: no plaintext in the file, and the wrong key is refused', async () => {
    const k = await faceKit()
    await k.enrol('alice', FACES.alice)
    await k.store.close()
    const bytes = readFileSync(k.file)
    const plain = Buffer.from(new Float32Array([1, 0, 0, 0, 0, 0, 0, 0]).buffer)
    expect(bytes.includes(plain)).toBe(false)
    const reopened = await SqliteTemplateStore.open(k.file, k.key)
    expect((await reopened.load('fake-1')).templates[0]?.template[0]).toBeCloseTo(1)
    expect(await reopened.load('other-model')).toEqual({ templates: [], stale: 1 })
    await reopened.close()
    const wrong = await SqliteTemplateStore.open(k.file, Buffer.alloc(32, 9).toString('base64'))
    await expect(wrong.load('fake-1')).rejects.toMatchObject({ code: 'templateKeyMismatch' })
    await wrong.close()
  })

  it('forgets a person in one call: gone from the gallery and the file, and journalled', async () => {
    const k = await faceKit()
    await k.enrol('alice', FACES.alice)
    const db = await openDatabaseReadOnly(k.file)
    const sealed = (await db.get<{ data: Buffer }>('SELECT data FROM templates'))?.data as Buffer
    await db.close()
    expect(await k.service.enrolment.forget('alice', 'alice', 'personRequest')).toBe(true)
    expect(k.service.gallery.has('alice')).toBe(false)
    expect((await k.events()).at(-1)).toEqual({
      type: 'face.deleted',
      body: { personId: 'alice', requestedBy: 'alice', reason: 'personRequest' },
    })
    expect(readFileSync(k.file).includes(sealed)).toBe(false) // secure_delete and a truncated WAL
    await expect(k.service.enrolment.forget('alice', 'alice', 'personRequest')).rejects.toMatchObject({
      code: 'notEnrolled',
    })
    k.service.startCheckIn()
    for (let i = 0; i < 3; i++) await k.service.frame(frame(FACES.alice))
    expect(k.service.status()).toMatchObject({ state: 'looking' })
  })

  it('deletes the template when consent is withdrawn', async () => {
    const k = await faceKit()
    await k.enrol('alice', FACES.alice)
    await k.service.enrolment.recordConsent({
      personId: 'alice',
      granted: false,
      textVersion: 'v1',
      authorisedBy: 'c',
    })
    expect(k.service.gallery.has('alice')).toBe(false)
    expect((await k.events()).slice(-2).map((e) => e.type)).toEqual(['face.consent', 'face.deleted'])
  })
})

import { createHash } from 'node:crypto'
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

  it('forgets a person in one call: gone from the gallery and the file, journalled, with a receipt', async () => {
    const k = await faceKit()
    await k.enrol('alice', FACES.alice)
    const db = await openDatabaseReadOnly(k.file)
    const row = (await db.get<{ iv: Buffer; tag: Buffer; data: Buffer }>('SELECT * FROM templates')) as {
      iv: Buffer
      tag: Buffer
      data: Buffer
    }
    await db.close()
    const digest = createHash('sha256').update(row.iv).update(row.tag).update(row.data).digest('hex')
    k.clock.advance(60_000)
    const receipt = await k.service.enrolment.forget('alice', 'alice', 'personRequest')
    const enrolledAt = new Date(k.clock.now() - 60_000).toISOString()
    const deleted = (await k.journal.pending({ afterSeq: 0, limit: 1000 })).at(-1)
    expect(receipt).toEqual({
      personId: 'alice',
      deletedAt: new Date(k.clock.now()).toISOString(),
      requestedBy: 'alice',
      reason: 'personRequest',
      template: { sealedSha256: digest, enrolledAt, modelVersion: 'fake-1' },
      verified: { noRowLeft: true, noBytesLeft: true, notInGallery: true },
      event: { id: deleted?.id, seq: deleted?.seq },
    })
    expect(k.service.gallery.has('alice')).toBe(false)
    expect(deleted).toMatchObject({
      type: 'face.deleted',
      body: {
        personId: 'alice',
        requestedBy: 'alice',
        reason: 'personRequest',
        sealedSha256: digest,
        enrolledAt,
      },
    })
    expect(readFileSync(k.file).includes(row.data)).toBe(false) // secure_delete and a truncated WAL
    // the consent decision is a record of its own, and outlives the template
    expect(await k.store.consent('alice')).toMatchObject({ granted: true, textVersion: 'v1' })
    await expect(k.service.enrolment.forget('alice', 'alice', 'personRequest')).rejects.toMatchObject({
      code: 'notEnrolled',
    })
    k.service.startCheckIn()
    for (let i = 0; i < 3; i++) await k.service.frame(frame(FACES.alice))
    expect(k.service.status()).toMatchObject({ state: 'looking' })
  })

  it('deletes the template when consent is withdrawn, and keeps the withdrawal on record', async () => {
    const k = await faceKit()
    await k.enrol('alice', FACES.alice)
    const withdrawn = await k.service.enrolment.recordConsent({
      personId: 'alice',
      granted: false,
      textVersion: 'v1',
      authorisedBy: 'c',
    })
    expect(withdrawn.deletion).toMatchObject({
      personId: 'alice',
      reason: 'consentWithdrawn',
      verified: { noRowLeft: true, noBytesLeft: true, notInGallery: true },
    })
    expect(k.service.gallery.has('alice')).toBe(false)
    expect((await k.events()).slice(-2).map((e) => e.type)).toEqual(['face.consent', 'face.deleted'])
    expect(await k.store.consent('alice')).toMatchObject({ granted: false, eventId: withdrawn.eventId })
    // enrolling again needs a new consent
    await expect(
      k.service.enrolment.enrol('alice', 'c', [frame(FACES.alice), frame(FACES.alice), frame(FACES.alice)]),
    ).rejects.toMatchObject({ code: 'noConsent' })
  })
})

import { createHash } from 'node:crypto'
import { type ActivityPhotoBody, checkBody } from '@ejia/protocol'
import type { Logger } from 'pino'
import type { RgbImage } from '../../domain/face/image.js'
import type { Clock } from '../../ports/clock.js'
import type { FaceEngine } from '../../ports/faceEngine.js'
import {
  PhotoError,
  type PhotoImaging,
  type PhotoPurpose,
  type PhotoRecord,
  type PhotoStore,
} from '../../ports/photos.js'
import type { FaultBoard } from '../faults.js'
import { RecordError, type RecordEvent } from '../recordEvent.js'

/** A phone photo is 3–8 MB; anything larger than this is not a photo worth keeping. */
export const MAX_PHOTO_BYTES = 15 * 1024 * 1024

export interface PhotoRequest {
  purpose: PhotoPurpose
  activityId?: string
  takenBy?: string
}

export interface TakenPhoto {
  photoId: string
  /** Absent on a kiosk without face models. */
  faces?: number
  width: number
  height: number
  bytes: number
  /** The `activity.photo` event that names it. */
  eventId: string
  /** True when this very photo was already kept for this purpose and activity. */
  duplicate: boolean
}

export type PhotoFile = { data: Buffer } | { missing: 'unknown' | 'pruned' }

/**
 * Evidence photos (the group at an activity) and witness photos (a vouched sign-in). A
 * photo is normalised, its faces counted, and kept on disk before its `activity.photo`
 * event is journalled: an event never names a photo the kiosk does not have.
 *
 * The same photo sent twice (same stored bytes, so the same id) is kept once. It is
 * journalled once per purpose and activity: sending it again for the same activity
 * answers with the first event and journals nothing, so a retried upload from a phone on
 * a poor connection is not counted twice; the same picture as evidence of another
 * activity is a new event naming the same file.
 */
export class EvidencePhotos {
  /** One photo at a time: decoding a 15 MB photo and counting faces are heavy on a kiosk. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly deps: {
      store: PhotoStore
      imaging: PhotoImaging
      engine?: FaceEngine | undefined
      record: RecordEvent
      clock: Clock
      faults: FaultBoard
      log: Logger
      /** Called after a photo is kept: the uploader's kick. */
      onStored?: () => void
    },
  ) {}

  take(input: Uint8Array, request: PhotoRequest): Promise<TakenPhoto> {
    const run = this.queue.then(() => this.takeNow(input, request))
    this.queue = run.catch(() => undefined)
    return run
  }

  private async takeNow(input: Uint8Array, request: PhotoRequest): Promise<TakenPhoto> {
    if (input.byteLength > MAX_PHOTO_BYTES)
      throw new PhotoError('photoTooLarge', `the photo is over ${MAX_PHOTO_BYTES / 1024 / 1024} MB`)
    const started = performance.now()
    const photo = await this.deps.imaging.prepare(input)
    const photoId = createHash('sha256').update(photo.jpeg).digest('hex')
    const known = await this.deps.store.get(photoId)
    const faces = known ? (known.faces ?? undefined) : await this.countFaces(photo.pixels)
    const body: ActivityPhotoBody = {
      photoId,
      purpose: request.purpose,
      ...(request.activityId ? { activityId: request.activityId } : {}),
      ...(faces === undefined ? {} : { faces }),
      width: photo.width,
      height: photo.height,
      bytes: photo.jpeg.length,
      ...(request.takenBy ? { takenBy: request.takenBy } : {}),
    }
    // checked before anything is stored, so a bad activity id leaves no file behind
    const errors = checkBody('activity.photo', body)
    if (errors.length > 0) throw new RecordError('invalidEvent', 'invalid activity.photo event', errors)
    const result = { photoId, width: body.width, height: body.height, bytes: body.bytes }
    const withFaces = faces === undefined ? result : { ...result, faces }

    if (known) {
      const eventId = await this.deps.store.findUse(photoId, request.purpose, request.activityId)
      if (eventId) return { ...withFaces, eventId, duplicate: true }
    }
    const stored = known
      ? false
      : await this.store(
          { id: photoId, bytes: body.bytes, width: body.width, height: body.height, faces: faces ?? null },
          photo.jpeg,
          photo.thumb,
        )
    const eventId = await this.journal(body, stored)
    await this.deps.store.noteUse(photoId, request.purpose, request.activityId, eventId)
    this.deps.log.info(
      {
        photoId,
        purpose: request.purpose,
        faces,
        bytes: body.bytes,
        ms: Math.round(performance.now() - started),
      },
      stored ? 'photo kept' : 'photo already kept; journalled for another use',
    )
    if (stored) this.deps.onStored?.()
    return { ...withFaces, eventId, duplicate: false }
  }

  private async countFaces(pixels: RgbImage): Promise<number | undefined> {
    if (!this.deps.engine) return undefined
    try {
      return (await this.deps.engine.detectFaces(pixels)).length
    } catch (err) {
      // a photo without a face count is still evidence; one lost to a model error is not
      this.deps.log.warn({ err }, 'counting faces failed; the photo is kept without a count')
      return undefined
    }
  }

  private async store(
    record: Omit<PhotoRecord, 'storedAt' | 'uploadedAt' | 'refused' | 'prunedAt'>,
    jpeg: Buffer,
    thumb: Buffer,
  ): Promise<boolean> {
    try {
      const stored = await this.deps.store.put({ ...record, storedAt: this.deps.clock.now() }, jpeg, thumb)
      this.deps.faults.clear('photoStore')
      return stored
    } catch (err) {
      if (err instanceof PhotoError) this.deps.faults.set('photoStore', err.code, err.message)
      throw err
    }
  }

  /** Journals the event; a photo stored for it is removed again when the journal fails. */
  private async journal(body: ActivityPhotoBody, stored: boolean): Promise<string> {
    try {
      return (await this.deps.record('activity.photo', body)).id
    } catch (err) {
      if (stored)
        await this.deps.store.discard(body.photoId).catch((e: unknown) => {
          this.deps.log.error({ err: e, photoId: body.photoId }, 'removing a photo without its event failed')
        })
      if (err instanceof RecordError && err.code === 'storageFailed')
        throw new PhotoError(journalFull(err) ? 'diskFull' : 'storageFailed', err.message, { cause: err })
      throw err
    }
  }

  /** The kept JPEG or its thumbnail, or why there is none. */
  async file(id: string, variant: 'full' | 'thumb'): Promise<PhotoFile> {
    const data = await this.deps.store.read(id, variant)
    if (data) return { data }
    const record = await this.deps.store.get(id)
    return { missing: record?.prunedAt ? 'pruned' : 'unknown' }
  }

  /** Whether this kiosk took the photo (a vouch must name a witness photo it holds). */
  async has(id: string): Promise<boolean> {
    return (await this.deps.store.get(id)) !== undefined
  }

  status(): Promise<{ waiting: number; refused: number }> {
    return this.deps.store.counts()
  }
}

/** The journal is SQLite: a full disk shows as SQLITE_FULL on the error's cause. */
function journalFull(err: RecordError): boolean {
  return (err.cause as { code?: unknown } | undefined)?.code === 'SQLITE_FULL'
}

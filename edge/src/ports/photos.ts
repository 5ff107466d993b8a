import { CodedError } from '@ejia/platform'
import type { RgbImage } from '../domain/face/image.js'

export type PhotoErrorCode =
  | 'photoEmpty'
  | 'photoTooLarge'
  | 'photoTooSmall'
  | 'notAnImage'
  | 'unsupportedImage'
  | 'diskFull'
  | 'storageFailed'

/** A photo the kiosk will not keep, or cannot keep; the code says which, for the UI. */
export class PhotoError extends CodedError<PhotoErrorCode> {}

/** A photo as the kiosk keeps it, made from what the camera or the phone sent. */
export interface PreparedPhoto {
  /** The stored JPEG: upright, at most 1600 px a side, no metadata. Its SHA-256 is its id. */
  jpeg: Buffer
  /** At most 320 px a side, for lists on the kiosk screen. */
  thumb: Buffer
  width: number
  height: number
  /** The stored photo's pixels, for counting the faces in it. */
  pixels: RgbImage
}

/** Turns an uploaded JPEG or PNG into the photo the kiosk keeps, or says why it cannot. */
export interface PhotoImaging {
  prepare(input: Uint8Array): Promise<PreparedPhoto>
}

export interface PhotoRecord {
  id: string
  bytes: number
  width: number
  height: number
  /** Faces counted when it was stored; null on a kiosk without face models. */
  faces: number | null
  storedAt: number
  uploadedAt: number | null
  /** Why the hub last refused it (a bad hash, not a JPEG), while it waits to try again. */
  refused: string | null
  /** When the full-size file was deleted, retention after the upload; the thumbnail stays. */
  prunedAt: number | null
}

export type PhotoPurpose = 'evidence' | 'witness'

/**
 * The kiosk's photos on disk, named by their SHA-256, and the outbox of their uploads. A
 * photo is written whole and durably before `put` returns, or not at all.
 */
export interface PhotoStore {
  /** Stores the photo and its thumbnail; false when a photo with this id is there already. */
  put(
    record: Omit<PhotoRecord, 'uploadedAt' | 'refused' | 'prunedAt'>,
    jpeg: Buffer,
    thumb: Buffer,
  ): Promise<boolean>
  get(id: string): Promise<PhotoRecord | undefined>
  /** The JPEG or its thumbnail; undefined when absent (never stored, or pruned). */
  read(id: string, variant: 'full' | 'thumb'): Promise<Buffer | undefined>
  /** Removes a photo `put` just stored, when what should follow it (its event) failed. */
  discard(id: string): Promise<void>
  /** The event already journalled for this photo, purpose and activity, if any. */
  findUse(id: string, purpose: PhotoPurpose, activityId: string | undefined): Promise<string | undefined>
  noteUse(id: string, purpose: PhotoPurpose, activityId: string | undefined, eventId: string): Promise<void>
  /** Ids waiting for upload, oldest first, leaving out those refused until a later retry. */
  pending(now: number): Promise<string[]>
  markUploaded(id: string, at: number): Promise<void>
  /** The hub refused the photo: try it again only after `until`. */
  refuse(id: string, reason: string, until: number): Promise<void>
  counts(): Promise<{ waiting: number; refused: number }>
  /** Deletes the full-size files of photos uploaded before `before`; returns how many. */
  prune(before: number, now: number): Promise<number>
  close(): Promise<void>
}

export type PhotoUploadErrorCode =
  /** No answer: network down, DNS, timeout. Try again later. */
  | 'hubUnreachable'
  /** The hub is there but failing (5xx, 408, 429). Try again later. */
  | 'hubFailed'
  /** 401 or 403: the station's credentials are wrong or the station is blocked. */
  | 'hubAuthRefused'
  /** 400, 413, 415: the hub will not take this photo as it is. */
  | 'photoRefused'
  /** Any other answer, e.g. 404 from a hub without the photo API. */
  | 'hubUnexpected'

export class PhotoUploadError extends CodedError<PhotoUploadErrorCode> {
  readonly status: number | undefined
  constructor(code: PhotoUploadErrorCode, message: string, status?: number, cause?: unknown) {
    super(code, message, { cause })
    this.status = status
  }
}

/** The hub's photo API: the JPEG, named by its id, for this station. */
export interface PhotoHub {
  /** 'stored' when the hub took it now, 'alreadyStored' when it had it; else a PhotoUploadError. */
  upload(id: string, jpeg: Buffer, signal: AbortSignal): Promise<'stored' | 'alreadyStored'>
}

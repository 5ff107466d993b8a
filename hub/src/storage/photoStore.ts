import type { Readable } from 'node:stream'
import { CodedError } from '@ejia/platform'

export type PhotoErrorCode = 'hashMismatch' | 'notJpeg' | 'tooManyPixels' | 'diskFull'

/** An upload the hub will not keep, or could not keep; nothing of it is left on disk. */
export class PhotoError extends CodedError<PhotoErrorCode> {}

/** The original as the kiosk sent it (its SHA-256 is its id), or the hub's small copy. */
export type PhotoVariant = 'original' | 'thumb'

/**
 * The JPEGs kiosks upload: evidence photos of activities and witness photos of vouched
 * sign-ins. A photo is named by the SHA-256 of its bytes, so storing it again is a no-op
 * and what is served can be cached for ever.
 */
export interface PhotoStore {
  /**
   * Checks and keeps a station's photo with its thumbnail. `stored` is false when it was
   * there already. Throws a PhotoError when the bytes are not the photo named, not a JPEG,
   * or the disk is full.
   */
  put(stationId: string, photoId: string, jpeg: Buffer): Promise<{ stored: boolean }>
  /** The ids of every photo of a station that is stored whole. */
  uploaded(stationId: string): Promise<ReadonlySet<string>>
  /** The bytes of a stored photo, or undefined when it has not been uploaded. */
  open(stationId: string, photoId: string, variant: PhotoVariant): Promise<Readable | undefined>
}

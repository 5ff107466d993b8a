import type { RejectRecord } from '../storage/storage.js'

const EXCERPT_BYTES = 512

/** A reject record: what was refused and why, with only the start of the payload. */
export function reject(
  at: number,
  stationId: string,
  topic: string,
  code: string,
  detail: string,
  payload: Buffer,
): RejectRecord {
  return {
    at,
    stationId,
    topic,
    code,
    detail: detail.slice(0, 2000),
    excerpt: payload.subarray(0, EXCERPT_BYTES).toString('utf8'),
  }
}

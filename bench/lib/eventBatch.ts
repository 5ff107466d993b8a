import type { Event } from '@ejia/protocol'
import { v7 as uuidv7 } from 'uuid'

/** A check-in as a kiosk journals it (the same shape stationLoad.ts sends). */
export function checkin(stationId: string, seq: number): Event {
  return {
    id: uuidv7(),
    stationId,
    seq,
    time: new Date().toISOString(),
    type: 'checkin',
    body: { personId: `${stationId}-p${seq % 40}`, method: 'card' },
  } as Event
}

/** An EventBatch payload of `n` check-ins numbered from `fromSeq`, as the edge's outbox sends it. */
export function checkinBatch(stationId: string, fromSeq: number, n: number): Buffer {
  const events = Array.from({ length: n }, (_, k) => checkin(stationId, fromSeq + k))
  return Buffer.from(JSON.stringify({ sentAt: new Date().toISOString(), events }))
}

import { Readable } from 'node:stream'

interface RetainedPacket {
  topic: string
  payload: Buffer
}

interface RetainedStore {
  storeRetained(packet: RetainedPacket, cb?: unknown): unknown
  createRetainedStreamCombi(patterns: string[]): Readable
  createRetainedStream(pattern: string): Readable
}

const isExact = (pattern: string) => !pattern.includes('+') && !pattern.includes('#')

/**
 * aedes' persistence with the retained messages also kept by exact topic. On every
 * subscription aedes asks for the retained messages matching it, and the memory store
 * answers by testing the filter against every retained message: with a retained status for
 * each of 5,000 stations and four subscriptions per kiosk, a reconnect storm spent 43 % of the
 * hub's time there (bench/reconnectStorm.ts), its cost growing with the square of the fleet.
 * A kiosk subscribes to exact topics only, so those are answered from the index; a filter
 * with a wildcard still goes to the store.
 */
export function withRetainedIndex<P>(persistence: P): P {
  const store = persistence as unknown as RetainedStore
  const byTopic = new Map<string, RetainedPacket>()
  const storeRetained = store.storeRetained.bind(store)
  const combi = store.createRetainedStreamCombi.bind(store)
  const single = store.createRetainedStream.bind(store)
  const exact = (patterns: string[]) =>
    Readable.from(
      patterns.flatMap((p) => byTopic.get(p) ?? []),
      { objectMode: true },
    )
  store.storeRetained = (packet: RetainedPacket, cb?: unknown) => {
    if (packet.payload.length === 0) byTopic.delete(packet.topic)
    else byTopic.set(packet.topic, Object.assign({}, packet))
    return storeRetained(packet, cb)
  }
  store.createRetainedStreamCombi = (patterns) =>
    patterns.every(isExact) ? exact(patterns) : combi(patterns)
  store.createRetainedStream = (pattern) => (isExact(pattern) ? exact([pattern]) : single(pattern))
  return persistence
}

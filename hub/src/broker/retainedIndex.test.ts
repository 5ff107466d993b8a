import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { withRetainedIndex } from './retainedIndex.js'

const memory = createRequire(import.meta.url)('aedes-persistence') as () => {
  storeRetained(p: unknown): Promise<void>
  createRetainedStreamCombi(patterns: string[]): AsyncIterable<{ topic: string; payload: Buffer }>
  createRetainedStream(pattern: string): AsyncIterable<{ topic: string; payload: Buffer }>
}
const packet = (topic: string, payload: string) => ({
  cmd: 'publish',
  topic,
  payload: Buffer.from(payload),
  qos: 1,
  retain: true,
})
const topics = async (s: AsyncIterable<{ topic: string; payload: Buffer }>) => {
  const out: string[] = []
  for await (const p of s) out.push(`${p.topic}=${p.payload.toString()}`)
  return out.sort()
}

describe('retained messages indexed by topic', () => {
  it('answers exact topics from the index and filters with wildcards from the store, alike', async () => {
    const plain = memory()
    const indexed = withRetainedIndex(memory())
    for (const store of [plain, indexed]) {
      await store.storeRetained(packet('ejia/v1/station/a/config', 'v1'))
      await store.storeRetained(packet('ejia/v1/station/a/config', 'v2'))
      await store.storeRetained(packet('ejia/v1/station/b/config', 'v1'))
      await store.storeRetained(packet('ejia/v1/station/b/status', 'online'))
      // an empty retained payload deletes
      await store.storeRetained(packet('ejia/v1/station/b/status', ''))
    }
    for (const patterns of [
      ['ejia/v1/station/a/config'],
      ['ejia/v1/station/a/config', 'ejia/v1/station/b/config', 'ejia/v1/station/c/config'],
      ['ejia/v1/station/b/status'],
      ['ejia/v1/station/+/config'],
      ['ejia/v1/#', 'ejia/v1/station/a/config'],
    ]) {
      const want = await topics(plain.createRetainedStreamCombi(patterns))
      expect(await topics(indexed.createRetainedStreamCombi(patterns)), patterns.join(' ')).toEqual(want)
    }
    expect(await topics(indexed.createRetainedStream('ejia/v1/station/a/config'))).toEqual([
      'ejia/v1/station/a/config=v2',
    ])
    expect(await topics(indexed.createRetainedStream('ejia/v1/station/+/config'))).toEqual([
      'ejia/v1/station/a/config=v2',
      'ejia/v1/station/b/config=v1',
    ])
  })
})

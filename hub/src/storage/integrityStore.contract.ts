import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { IntegrityFinding, IntegrityStore } from './integrityStore.js'
import type { Storage } from './storage.js'

const T0 = Date.parse('2026-11-25T01:00:00Z')
const [A, B, C] = ['339901001001', '339901001002', '339901002001'] as const
const KEY_1 = 'a'.repeat(43)
const KEY_2 = 'b'.repeat(43)

const finding = (stationId: string, at: number, over: Partial<IntegrityFinding> = {}): IntegrityFinding => ({
  at,
  stationId,
  kind: 'badSignature',
  seq: 7,
  eventId: '0190a1b2-c3d4-7e5f-8a9b-000000000007',
  detail: 'the signature does not match the content',
  event: { id: '0190a1b2-c3d4-7e5f-8a9b-000000000007', body: { personId: '张三' } },
  ...over,
})

/**
 * The contract of the IntegrityStore port (integrityStore.ts), run against SQLite
 * (sqlite/sqliteIntegrityStore.test.ts) and PostgreSQL (postgres/pgIntegrityStore.test.ts).
 */
export function integrityStoreContract(
  name: string,
  open: () => Promise<{ store: IntegrityStore; storage: Storage; close(): Promise<void> }>,
): void {
  describe(`IntegrityStore contract: ${name}`, () => {
    let h: { store: IntegrityStore; storage: Storage; close(): Promise<void> }
    let store: IntegrityStore
    beforeEach(async () => {
      h = await open()
      store = h.store
      await h.storage.syncRegistry(
        { code: '339901', name: '青山区' },
        [
          { code: '339901001', name: '东岭镇' },
          { code: '339901002', name: '南岙镇' },
        ],
        [A, B, C].map((id) => ({ id, name: id, tier: 'village', townCode: id.slice(0, 9), contact: null })),
      )
    })
    afterEach(async () => {
      await h.close()
    })

    it('pins the first key of a station and keeps it against a second, until unpinned', async () => {
      const first = { stationId: A, publicKey: KEY_1, pinnedAt: T0, firstSeq: 1 }
      expect(await store.pinJournalKey(first)).toEqual(first)
      expect(
        await store.pinJournalKey({ stationId: A, publicKey: KEY_2, pinnedAt: T0 + 1, firstSeq: 9 }),
      ).toEqual(first)
      await store.pinJournalKey({ stationId: B, publicKey: KEY_2, pinnedAt: T0 + 2, firstSeq: 3 })
      expect((await store.journalKeys()).map((k) => [k.stationId, k.publicKey])).toEqual([
        [A, KEY_1],
        [B, KEY_2],
      ])
      expect(await store.unpinJournalKey(A)).toBe(true)
      expect(await store.unpinJournalKey(A)).toBe(false)
      const second = { stationId: A, publicKey: KEY_2, pinnedAt: T0 + 3, firstSeq: 40 }
      expect(await store.pinJournalKey(second)).toEqual(second)
    })

    it('pins one key when two batches race to pin different ones', async () => {
      const pinned = await Promise.all(
        [KEY_1, KEY_2].map((publicKey) =>
          store.pinJournalKey({ stationId: C, publicKey, pinnedAt: T0, firstSeq: 1 }),
        ),
      )
      expect(pinned[0]).toEqual(pinned[1])
      expect(await store.journalKeys()).toEqual([pinned[0]])
    })

    it('keeps findings whole, newest first, by station and by town, a page at a time', async () => {
      await store.recordFindings([
        finding(A, T0),
        finding(B, T0 + 1, { kind: 'edited', event: null }),
        finding(C, T0 + 2, { kind: 'keyPinned', seq: 1, eventId: null, detail: 'pinned', event: null }),
      ])
      await store.recordFindings([finding(A, T0 + 3, { kind: 'chainBreak', seq: 9 })])
      const all = await store.findings({ limit: 10 })
      expect(all.map((f) => [f.stationId, f.kind])).toEqual([
        [A, 'chainBreak'],
        [C, 'keyPinned'],
        [B, 'edited'],
        [A, 'badSignature'],
      ])
      const { id: _, ...stored } = all[3] as NonNullable<(typeof all)[3]>
      expect(stored).toEqual(finding(A, T0))
      expect((await store.findings({ stationId: A, limit: 10 })).map((f) => f.seq)).toEqual([9, 7])
      expect((await store.findings({ townCode: '339901001', limit: 10 })).map((f) => f.stationId)).toEqual([
        A,
        B,
        A,
      ])
      const page = await store.findings({ limit: 2 })
      const next = await store.findings({ before: page.at(-1)?.id, limit: 2 })
      expect([...page, ...next].map((f) => f.id)).toEqual(all.map((f) => f.id))
      await store.recordFindings([])
      expect(await store.findings({ stationId: "x' OR 1=1 --", limit: 10 })).toEqual([])
    })
  })
}

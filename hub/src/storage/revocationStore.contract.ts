import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RevocationRecord, RevocationStore } from './revocationStore.js'

const T0 = Date.parse('2026-11-25T01:00:00Z')
const [A, B, C] = ['339901001001', '339901001002', '339901002001'] as const
const revocation = (
  stationId: string,
  revokedAt: number,
  revokedBy: string,
  reason: string,
): RevocationRecord => ({
  stationId,
  revokedAt,
  revokedBy,
  reason,
})

/**
 * The contract of the RevocationStore port (revocationStore.ts), run against SQLite
 * (sqlite/sqliteRevocationStore.test.ts) and PostgreSQL (postgres/pgRevocationStore.test.ts).
 */
export function revocationStoreContract(
  name: string,
  open: () => Promise<{ store: RevocationStore; close(): Promise<void> }>,
): void {
  describe(`RevocationStore contract: ${name}`, () => {
    let h: { store: RevocationStore; close(): Promise<void> }
    let store: RevocationStore
    beforeEach(async () => {
      h = await open()
      store = h.store
    })
    afterEach(async () => {
      await h.close()
    })

    it('keeps one revocation per station, in station order, a second replacing the first whole', async () => {
      expect(await store.list()).toEqual([])
      const lost = revocation(C, T0, 'district-admin', '设备丢失，待找回')
      const merged = revocation(A, T0 + 1000, 'town-339901001', '站点撤并')
      await store.revoke(lost)
      await store.revoke(merged)
      expect(await store.list()).toEqual([merged, lost])
      const leaked = revocation(A, T0 + 60_000, 'district-admin', 'secret leaked: see ticket 4711')
      await store.revoke(leaked)
      expect(await store.list()).toEqual([leaked, lost])
    })

    it('unrevokes only a station revoked here, and says so', async () => {
      await store.revoke(revocation(A, T0, 'district-admin', '站点撤并'))
      await store.revoke(revocation(B, T0, 'district-admin', '站点撤并'))
      expect(await store.unrevoke(A)).toBe(true)
      expect(await store.unrevoke(A)).toBe(false)
      expect(await store.unrevoke(C)).toBe(false)
      expect(await store.unrevoke(`${B}' OR '1'='1`)).toBe(false)
      expect(await store.list()).toEqual([revocation(B, T0, 'district-admin', '站点撤并')])
      // revoked again after an unrevoke: a fresh record
      await store.revoke(revocation(A, T0 + 5000, 'district-admin', 'again'))
      expect((await store.list()).map((r) => [r.stationId, r.reason])).toEqual([
        [A, 'again'],
        [B, '站点撤并'],
      ])
    })

    it('keeps one whole record of those two operators write at once, and every station of many revoked at once', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => String(339901003001 + i))
      const first = revocation(A, T0, 'district-admin', 'first')
      const second = revocation(A, T0 + 1, 'town-339901001', 'second')
      await Promise.all([
        store.revoke(first),
        store.revoke(second),
        ...ids.map((id, i) => store.revoke(revocation(id, T0 + i, 'district-admin', `batch ${i}`))),
      ])
      const list = await store.list()
      expect(list.slice(1)).toEqual(
        ids.map((id, i) => revocation(id, T0 + i, 'district-admin', `batch ${i}`)),
      )
      expect([first, second]).toContainEqual(list[0])
    })
  })
}

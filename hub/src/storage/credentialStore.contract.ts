import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CredentialStore, StationSecretRecord } from './credentialStore.js'

const T0 = Date.parse('2026-11-25T01:00:00Z')
const [A, B, C, D] = ['339901001001', '339901001002', '339901002001', '339901002002'] as const
const sha = (text: string) => createHash('sha256').update(text).digest('hex')
const registry = (stationId: string) => sha(`bundle secret of ${stationId}`)
/** The pending secret of rotation `n`: its hash, its command (a UUIDv7) and its expiry. */
const pending = (n: number, expiresAt = T0 + 40 * 60_000) => ({
  sha256: sha(`rotated secret ${n}`),
  commandId: `019ab7c0-2000-7000-8000-${String(n).padStart(12, '0')}`,
  expiresAt,
})
const record = (stationId: string, over: Partial<StationSecretRecord> = {}): StationSecretRecord => ({
  stationId,
  registrySha256: registry(stationId),
  currentSha256: null,
  rotatedAt: null,
  pending: null,
  ...over,
})

/**
 * The contract of the CredentialStore port (credentialStore.ts), run against SQLite
 * (sqlite/sqliteCredentialStore.test.ts) and PostgreSQL (postgres/pgCredentialStore.test.ts).
 */
export function credentialStoreContract(
  name: string,
  open: () => Promise<{ store: CredentialStore; close(): Promise<void> }>,
): void {
  describe(`CredentialStore contract: ${name}`, () => {
    let h: { store: CredentialStore; close(): Promise<void> }
    let store: CredentialStore
    beforeEach(async () => {
      h = await open()
      store = h.store
    })
    afterEach(async () => {
      await h.close()
    })

    it('keeps one pending secret per station, the next replacing it, with the registry’s hash of the first', async () => {
      expect(await store.records()).toEqual([])
      await store.setPending(B, registry(B), pending(1))
      await store.setPending(A, registry(A), pending(2))
      expect(await store.records()).toEqual([
        record(A, { pending: pending(2) }),
        record(B, { pending: pending(1) }),
      ])
      await store.setPending(A, sha('a registry that re-issued it meanwhile'), pending(3, T0 + 90 * 60_000))
      expect(await store.records()).toEqual([
        record(A, { pending: pending(3, T0 + 90 * 60_000) }),
        record(B, { pending: pending(1) }),
      ])
    })

    it('promotes only the pending secret of that command, once; the next rotation keeps it until its own', async () => {
      await store.setPending(A, registry(A), pending(1))
      expect(await store.promote(A, pending(9).commandId, T0)).toBe(false)
      expect(await store.promote(B, pending(1).commandId, T0)).toBe(false)
      expect(await store.records()).toEqual([record(A, { pending: pending(1) })])
      expect(await store.promote(A, pending(1).commandId, T0 + 5000)).toBe(true)
      expect(await store.records()).toEqual([
        record(A, { currentSha256: pending(1).sha256, rotatedAt: T0 + 5000 }),
      ])
      expect(await store.promote(A, pending(1).commandId, T0 + 6000)).toBe(false)
      await store.setPending(A, registry(A), pending(2))
      expect(await store.records()).toEqual([
        record(A, { currentSha256: pending(1).sha256, rotatedAt: T0 + 5000, pending: pending(2) }),
      ])
      expect(await store.promote(A, pending(2).commandId, T0 + 9000)).toBe(true)
      expect(await store.records()).toEqual([
        record(A, { currentSha256: pending(2).sha256, rotatedAt: T0 + 9000 }),
      ])
    })

    it('discards only the pending secret of that command; the current one stays', async () => {
      await store.setPending(A, registry(A), pending(1))
      await store.promote(A, pending(1).commandId, T0)
      await store.setPending(A, registry(A), pending(2))
      expect(await store.discardPending(A, pending(1).commandId)).toBe(false)
      expect(await store.discardPending(B, pending(2).commandId)).toBe(false)
      expect(await store.discardPending(A, pending(2).commandId)).toBe(true)
      expect(await store.records()).toEqual([record(A, { currentSha256: pending(1).sha256, rotatedAt: T0 })])
      expect(await store.discardPending(A, pending(2).commandId)).toBe(false)
      expect(await store.promote(A, pending(2).commandId, T0 + 1000)).toBe(false)
    })

    it('expires pending secrets at their expiry, and says whose', async () => {
      await store.setPending(A, registry(A), pending(1, T0 + 1000))
      await store.setPending(B, registry(B), pending(2, T0 + 1000))
      await store.setPending(C, registry(C), pending(3, T0 + 5000))
      await store.setPending(D, registry(D), pending(4, T0))
      await store.promote(D, pending(4).commandId, T0 - 1000)
      expect(await store.expirePending(T0 + 999)).toEqual([])
      const expired = await store.expirePending(T0 + 1000)
      expect(expired.sort((x, y) => x.stationId.localeCompare(y.stationId))).toEqual([
        { stationId: A, commandId: pending(1).commandId },
        { stationId: B, commandId: pending(2).commandId },
      ])
      expect(await store.expirePending(T0 + 1000)).toEqual([])
      expect(await store.records()).toEqual([
        record(A),
        record(B),
        record(C, { pending: pending(3, T0 + 5000) }),
        record(D, { currentSha256: pending(4).sha256, rotatedAt: T0 - 1000 }),
      ])
      expect(await store.promote(A, pending(1).commandId, T0 + 2000)).toBe(false)
      expect(await store.expirePending(T0 + 3_600_000)).toEqual([
        { stationId: C, commandId: pending(3).commandId },
      ])
    })

    it('forgets all it holds of a station', async () => {
      await store.setPending(A, registry(A), pending(1))
      await store.promote(A, pending(1).commandId, T0)
      await store.setPending(A, registry(A), pending(2))
      await store.setPending(B, registry(B), pending(3))
      await store.forget(A)
      await store.forget(A)
      await store.forget(C)
      expect(await store.records()).toEqual([record(B, { pending: pending(3) })])
      expect(await store.promote(A, pending(2).commandId, T0)).toBe(false)
    })

    it('lets a pending secret be promoted or expired, never both, when logins and the sweep meet', async () => {
      const ids = Array.from({ length: 16 }, (_, i) => String(339901003001 + i))
      for (const [i, id] of ids.entries()) await store.setPending(id, registry(id), pending(i, T0))
      const promote = (part: string[]) =>
        part.map((id) => store.promote(id, pending(ids.indexOf(id)).commandId, T0 + 1))
      const [first, expired, second] = await Promise.all([
        Promise.all(promote(ids.slice(0, 8))),
        store.expirePending(T0),
        Promise.all(promote(ids.slice(8))),
      ])
      const promoted = [...first, ...second]
      const expiredIds = new Set(expired.map((e) => e.stationId))
      expect(expired).toHaveLength(expiredIds.size)
      expect(ids.map((id, i) => promoted[i] !== expiredIds.has(id))).toEqual(ids.map(() => true))
      expect(expired.every((e) => e.commandId === pending(ids.indexOf(e.stationId)).commandId)).toBe(true)
      expect(await store.records()).toEqual(
        ids.map((id, i) =>
          promoted[i] ? record(id, { currentSha256: pending(i).sha256, rotatedAt: T0 + 1 }) : record(id),
        ),
      )
    })
  })
}

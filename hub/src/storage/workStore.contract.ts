import { describe, expect, it } from 'vitest'
import { A, B, C, type OpenWorkStore, T0, workHarness } from './workStore.fixture.js'
import { activityCases } from './workStoreActivities.contract.js'
import { dutyCases } from './workStoreDuty.contract.js'
import { rosterCases } from './workStoreRoster.contract.js'

/**
 * The contract of the WorkStore port (workStore.ts), run against each adapter: SQLite
 * (sqlite/sqliteWorkStore.test.ts) and PostgreSQL (postgres/pgWorkStore.test.ts). Both must
 * give the same answers to the same calls, down to the order of rows, the ids and the audit
 * trail; the ledger queries read what the Storage port committed. The cases are grouped by
 * subject in workStore{Roster,Duty,Activities}.contract.ts.
 */
export function workStoreContract(name: string, open: OpenWorkStore): void {
  describe(`WorkStore contract: ${name}`, () => {
    const h = workHarness(open)
    rosterCases(h)
    dutyCases(h)
    activityCases(h)

    it('keeps the inspection sample of a month as first drawn', async () => {
      await h.work.saveInspection('2026-11', 2_147_483_647, [B, A], T0 - 5000, 'op-district')
      const sample = { month: '2026-11', seed: 2_147_483_647, drawnAt: T0 - 5000, stations: [B, A] }
      expect(await h.work.inspection('2026-11')).toEqual(sample)
      await expect(h.work.saveInspection('2026-11', 1, [C], T0, 'op-other')).rejects.toThrow()
      expect(await h.work.inspection('2026-11')).toEqual(sample)
      expect(await h.work.inspection('2026-12')).toBeUndefined()
      expect(await h.work.auditLog(10)).toEqual([
        {
          id: 1,
          at: T0,
          actor: 'op-district',
          action: 'inspection.draw',
          detail: { month: '2026-11', seed: 2_147_483_647, stations: [B, A] },
        },
      ])
    })

    it('keeps the audit trail, newest first, whatever the detail', async () => {
      const details = [
        { ip: '10.0.0.7', ok: true },
        '2026-11 考勤.xlsx',
        null,
        42.5,
        { stations: [A, B], nested: { deep: [1, { x: 'y' }] } },
      ]
      for (const [i, d] of details.entries()) {
        h.setClock(T0 + i)
        await h.work.audit(i % 2 ? 'op-b' : 'op-a', `action.${i}`, d)
      }
      const log = details
        .map((detail, i) => ({
          id: i + 1,
          at: T0 + i,
          actor: i % 2 ? 'op-b' : 'op-a',
          action: `action.${i}`,
          detail,
        }))
        .reverse()
      expect(await h.work.auditLog(10)).toEqual(log)
      expect(await h.work.auditLog(2)).toEqual(log.slice(0, 2))
    })
  })
}

import { expect, it } from 'vitest'
import {
  A,
  alice,
  B,
  bob,
  C,
  carol,
  dan,
  failure,
  person,
  T0,
  TOWN1,
  type WorkHarness,
} from './workStore.fixture.js'
import type { Person, WorkError } from './workStore.js'

/** People, their credentials and the roster versions kiosks sync by (WorkStore contract). */
export function rosterCases(h: WorkHarness): void {
  it('keeps people with their credentials, listed by station then id, for a station or a town', async () => {
    await h.work.upsertPeople([bob, dan, alice, carol], 'op-district')
    expect(await h.work.people()).toEqual([alice, bob, carol, dan])
    expect(await h.work.people({ stationId: A })).toEqual([alice, bob])
    expect(await h.work.people({ townCode: TOWN1 })).toEqual([alice, bob, carol])
    expect(await h.work.people({ townCode: '339901002' })).toEqual([dan])
    expect(await h.work.people({ stationId: '999999999999' })).toEqual([])
    expect(await h.work.people({ stationId: `${A}' OR '1'='1` })).toEqual([])
    expect(await Promise.all([A, B, C, '999999999999'].map((s) => h.work.rosterVersion(s)))).toEqual([
      2, 1, 1, 0,
    ])

    h.setClock(T0 + 1000)
    expect(await h.work.removePerson(bob.personId, 'op-town')).toBe(true)
    expect(await h.work.removePerson(bob.personId, 'op-town')).toBe(false)
    expect(await h.work.removePerson('nobody', 'op-town')).toBe(false)
    expect(await h.work.people({ stationId: A })).toEqual([alice])
    expect(await h.work.rosterVersion(A)).toBe(3)
    expect(await h.work.auditLog(10)).toEqual([
      { id: 2, at: T0 + 1000, actor: 'op-town', action: 'people.remove', detail: { personId: 'dl-002' } },
      {
        id: 1,
        at: T0,
        actor: 'op-district',
        action: 'people.upsert',
        detail: { count: 4, people: ['dl-002', 'na-001', 'dl-001', 'xl-001'] },
      },
    ])
  })

  it('gives a kiosk what changed since the version it holds, and all of it when it holds none or an unknown one', async () => {
    const delta = (
      stationId: string,
      fromVersion: number,
      version: number,
      upserts: Person[],
      removals: string[],
    ) => ({
      stationId,
      fromVersion,
      version,
      full: false,
      upserts,
      removals,
    })
    const full = (stationId: string, version: number, upserts: Person[]) => ({
      ...delta(stationId, 0, version, upserts, []),
      full: true,
    })
    expect(await h.work.rosterDelta(A, 0)).toEqual(full(A, 0, []))
    await h.work.upsertPeople([bob, alice], 'op')
    expect(await h.work.rosterDelta(A, 0)).toEqual(full(A, 2, [alice, bob]))
    const alice2 = { ...alice, name: '李红（书记）', cards: ['0004A1B2C3', '0004FFFF01'] }
    await h.work.upsertPeople([alice2], 'op')
    expect(await h.work.rosterDelta(A, 2)).toEqual(delta(A, 2, 3, [alice2], []))
    expect(await h.work.rosterDelta(A, 1)).toEqual(delta(A, 1, 3, [alice2], []))
    await h.work.removePerson(bob.personId, 'op')
    expect(await h.work.rosterDelta(A, 2)).toEqual(delta(A, 2, 4, [alice2], ['dl-002']))
    expect(await h.work.rosterDelta(A, 3)).toEqual(delta(A, 3, 4, [], ['dl-002']))
    expect(await h.work.rosterDelta(A, 4)).toEqual(delta(A, 4, 4, [], []))
    // a version the hub never issued (a kiosk restored from an old backup of another hub)
    expect(await h.work.rosterDelta(A, 5)).toEqual(full(A, 4, [alice2]))
    expect(await h.work.rosterDelta(A, -1)).toEqual(full(A, 4, [alice2]))

    // moving to another village: the old kiosk forgets them, the new one learns them
    const aliceAtB = { ...alice2, stationId: B }
    await h.work.upsertPeople([aliceAtB], 'op')
    expect(await h.work.rosterDelta(A, 4)).toEqual(delta(A, 4, 5, [], ['dl-001']))
    expect(await h.work.rosterDelta(B, 0)).toEqual(full(B, 1, [aliceAtB]))
    // and back, with bob again: what was removed and is back is an upsert, not a removal
    await h.work.upsertPeople([bob, alice2], 'op')
    expect(await h.work.rosterDelta(A, 3)).toEqual(delta(A, 3, 7, [alice2, bob], []))
    expect(await h.work.rosterDelta(B, 1)).toEqual(delta(B, 1, 2, [], ['dl-001']))
    // removed, back and removed again: told once
    await h.work.removePerson(bob.personId, 'op')
    await h.work.upsertPeople([bob], 'op')
    await h.work.removePerson(bob.personId, 'op')
    expect(await h.work.rosterDelta(A, 7)).toEqual(delta(A, 7, 10, [], ['dl-002']))
    expect(await Promise.all([A, B, C].map((s) => h.work.rosterVersion(s)))).toEqual([10, 2, 0])
  })

  it('replays a batch person by person, and folds a kiosk more than 1000 versions behind into a full roster', async () => {
    const eve = person('dl-009', A)
    await h.work.upsertPeople([bob], 'op')
    // the same person many times in one batch: each is a change, the last one stands
    const batch = Array.from({ length: 1001 }, (_, i) => ({ ...eve, name: `赵敏${i}`, cards: [`E${i}`] }))
    await h.work.upsertPeople(batch, 'op')
    const eveLast = batch[1000] as Person
    expect(await h.work.rosterVersion(A)).toBe(1002)
    expect(await h.work.rosterDelta(A, 2)).toEqual({
      stationId: A,
      fromVersion: 2,
      version: 1002,
      full: false,
      upserts: [eveLast],
      removals: [],
    })
    expect(await h.work.rosterDelta(A, 1)).toEqual({
      stationId: A,
      fromVersion: 0,
      version: 1002,
      full: true,
      upserts: [bob, eveLast],
      removals: [],
    })
    // moved within one batch, A → B → C → A: each kiosk it left is told to forget it
    await h.work.upsertPeople([{ ...bob, stationId: B }, { ...bob, stationId: C }, bob, eveLast], 'op')
    expect(await Promise.all([A, B, C].map((s) => h.work.rosterVersion(s)))).toEqual([1005, 2, 2])
    expect(await h.work.rosterDelta(B, 1)).toEqual({
      stationId: B,
      fromVersion: 1,
      version: 2,
      full: false,
      upserts: [],
      removals: ['dl-002'],
    })
    expect(await h.work.rosterDelta(A, 1002)).toEqual({
      stationId: A,
      fromVersion: 1002,
      version: 1005,
      full: false,
      upserts: [bob, eveLast],
      removals: [],
    })
    expect((await h.work.auditLog(1))[0]?.detail).toEqual({
      count: 4,
      people: ['dl-002', 'dl-002', 'dl-002', 'dl-009'],
    })
    expect((await h.work.auditLog(2))[1]?.detail).toEqual({ count: 1001, people: Array(50).fill('dl-009') })
    // an empty batch changes nothing, and is audited all the same
    await h.work.upsertPeople([], 'op-empty')
    expect(await Promise.all([A, B, C].map((s) => h.work.rosterVersion(s)))).toEqual([1005, 2, 2])
    expect(await h.trail(1)).toEqual([[4, 'op-empty', 'people.upsert', { count: 0, people: [] }]])
  })

  it('refuses a roster in which a credential would have two owners at a station, and saves none of it', async () => {
    await h.work.upsertPeople([alice, carol, dan], 'op')
    expect(
      await failure(
        h.work.upsertPeople(
          [
            person('na-002', C, { fingerprints: [4] }),
            person('dl-003', A, { cards: ['0004a1b2c3'] }),
            person('dl-004', A, { qrTokens: ['qr-x'], fingerprints: [3] }),
            person('dl-005', A, { qrTokens: ['qr-x'] }),
          ],
          'op',
        ),
      ),
    ).toEqual({
      code: 'credentialTwice',
      message:
        `nothing saved: card 0004A1B2C3 at station ${A} belongs to both dl-001 and dl-003; ` +
        `fingerprint 3 at station ${A} belongs to both dl-001 and dl-004; ` +
        `QR token qr-x at station ${A} belongs to both dl-004 and dl-005`,
      problems: [
        `card 0004A1B2C3 at station ${A} belongs to both dl-001 and dl-003`,
        `fingerprint 3 at station ${A} belongs to both dl-001 and dl-004`,
        `QR token qr-x at station ${A} belongs to both dl-004 and dl-005`,
      ],
    })
    // moving carol to A would put her card beside alice's: refused, and she stays at B
    expect(await failure(h.work.upsertPeople([{ ...carol, stationId: A }], 'op'))).toEqual({
      code: 'credentialTwice',
      message: `nothing saved: card 0004A1B2C3 at station ${A} belongs to both dl-001 and xl-001`,
      problems: [`card 0004A1B2C3 at station ${A} belongs to both dl-001 and xl-001`],
    })
    expect(await h.work.people()).toEqual([alice, carol, dan])
    expect(await Promise.all([A, B, C].map((s) => h.work.rosterVersion(s)))).toEqual([1, 1, 1])
    expect(await h.work.rosterDelta(B, 1)).toMatchObject({ version: 1, upserts: [], removals: [] })
    expect(await h.trail()).toEqual([
      [1, 'op', 'people.upsert', { count: 3, people: ['dl-001', 'xl-001', 'na-001'] }],
    ])
  })

  it('keeps versions, moves and the credential check right when operators save at the same time', async () => {
    await h.work.upsertPeople([alice, carol], 'op')
    // one card given to two new people of a station at once: one of them is refused
    const settled = await Promise.allSettled([
      h.work.upsertPeople([person('dl-010', A, { cards: ['CARD-K'] })], 'op1'),
      h.work.upsertPeople([person('dl-011', A, { cards: ['card-k'] })], 'op2'),
    ])
    expect(settled.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected'])
    const refused = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult
    expect((refused.reason as WorkError).code).toBe('credentialTwice')
    expect((await h.work.people({ stationId: A })).map((p) => p.personId)).toHaveLength(2)
    expect(await h.work.rosterVersion(A)).toBe(2)

    // a new person put at two stations at once: the later save has them, the other kiosk forgets them
    for (const id of ['dl-020', 'dl-021', 'dl-022', 'dl-023']) {
      const before = { [A]: await h.work.rosterVersion(A), [B]: await h.work.rosterVersion(B) }
      await Promise.all([
        h.work.upsertPeople([person(id, A)], 'op1'),
        h.work.upsertPeople([person(id, B)], 'op2'),
      ])
      const [held] = (await h.work.people()).filter((p) => p.personId === id)
      const here = held?.stationId as string
      const other = here === A ? B : A
      expect(await h.work.rosterVersion(here)).toBe((before[here] as number) + 1)
      expect(await h.work.rosterVersion(other)).toBe((before[other] as number) + 2)
      expect(await h.work.rosterDelta(other, before[other] as number)).toEqual({
        stationId: other,
        fromVersion: before[other],
        version: (before[other] as number) + 2,
        full: false,
        upserts: [],
        removals: [id],
      })
    }

    // batches over the same stations, in opposite orders, at once: none is lost
    const batches = Array.from({ length: 8 }, (_, k) => {
      const b = [A, B, C].flatMap((s, j) => [person(`m${k}-${j}-1`, s), person(`m${k}-${j}-2`, s)])
      return k % 2 ? b.reverse() : b
    })
    const versions = await Promise.all([A, B, C].map((s) => h.work.rosterVersion(s)))
    await Promise.all(batches.map((b) => h.work.upsertPeople(b, 'op')))
    expect(await Promise.all([A, B, C].map((s) => h.work.rosterVersion(s)))).toEqual(
      versions.map((v) => v + 16),
    )
    expect((await h.work.people({ stationId: C })).map((p) => p.personId)).toEqual(
      batches.flatMap((_, k) => [`m${k}-2-1`, `m${k}-2-2`]),
    )
  })
}

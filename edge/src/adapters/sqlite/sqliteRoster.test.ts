import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RosterPerson, RosterUpdate } from '@ejia/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { SqliteRoster } from './sqliteRoster.js'

const person = (personId: string, cards: string[] = []): RosterPerson => ({
  personId,
  name: `名${personId}`,
  roles: ['member'],
  cards,
  qrTokens: [],
  fingerprints: [],
})

const update = (over: Partial<RosterUpdate>): RosterUpdate => ({
  fromVersion: 0,
  version: 1,
  full: true,
  part: 0,
  parts: 1,
  upserts: [],
  removals: [],
  studyAsOf: '2026-11-27',
  study: [],
  ...over,
})

describe('SqliteRoster', () => {
  const open: SqliteRoster[] = []
  const file = () => join(mkdtempSync(join(tmpdir(), 'ejia-roster-')), 'roster.db')
  const openRoster = async (f: string) => {
    const r = await SqliteRoster.open(f)
    open.push(r)
    return r
  }
  afterEach(async () => {
    await Promise.all(open.splice(0).map((r) => r.close().catch(() => undefined)))
  })

  it('starts empty at version 0, then takes a full roster and keeps it across a restart', async () => {
    const f = file()
    const roster = await openRoster(f)
    expect([roster.syncedVersion, roster.size]).toEqual([0, 0])
    const study = [{ personId: 'p1', done: 6, dueByNow: 8, target: 32, behind: true }]
    expect(await roster.receive(update({ version: 4, upserts: [person('p1', ['00AB12CD34'])], study }))).toBe(
      'applied',
    )
    expect(roster.lookup('card', '00ab12cd34')?.personId).toBe('p1')
    await roster.close()
    open.pop()
    const again = await openRoster(f)
    expect([again.syncedVersion, again.size, again.version]).toEqual([4, 1, 'hub:4'])
    expect(again.person('p1')?.name).toBe('名p1')
    expect(again.study('p1')).toEqual({ ...study[0], asOf: '2026-11-27' })
  })

  it('applies a delta on top of the version it was made from, and refuses it on any other', async () => {
    const roster = await openRoster(file())
    await roster.receive(update({ version: 2, upserts: [person('p1', ['00AB12CD34']), person('p2')] }))
    expect(await roster.receive(update({ full: false, fromVersion: 1, version: 3, removals: ['p1'] }))).toBe(
      'stale',
    )
    expect(roster.size).toBe(2)
    expect(
      await roster.receive(
        update({
          full: false,
          fromVersion: 2,
          version: 4,
          removals: ['p1'],
          upserts: [person('p3', ['00AB12CD34'])],
        }),
      ),
    ).toBe('applied')
    // p1's card went to p3 in the same update: that is a move, not a clash
    expect(roster.lookup('card', '00AB12CD34')?.personId).toBe('p3')
    expect(roster.person('p1')).toBeUndefined()
    expect(roster.syncedVersion).toBe(4)
  })

  it('changes nothing until every part is in, even across a restart', async () => {
    const f = file()
    const roster = await openRoster(f)
    const parts = [0, 1, 2].map((part) =>
      update({ version: 9, parts: 3, part, upserts: [person(`p${part}`)] }),
    )
    expect(await roster.receive(parts[2] as RosterUpdate)).toBe('staged')
    expect(await roster.receive(parts[0] as RosterUpdate)).toBe('staged')
    expect([roster.syncedVersion, roster.size]).toEqual([0, 0])
    await roster.close() // killed before the last part
    open.pop()
    const again = await openRoster(f)
    expect([again.syncedVersion, again.size]).toEqual([0, 0])
    expect(await again.receive(parts[1] as RosterUpdate)).toBe('applied')
    expect([again.syncedVersion, again.size]).toEqual([9, 3])
  })

  it('drops a roster with one card on two people and keeps the one it had', async () => {
    const roster = await openRoster(file())
    await roster.receive(update({ version: 1, upserts: [person('p1', ['00AB12CD34'])] }))
    await expect(
      roster.receive(
        update({ full: false, fromVersion: 1, version: 2, upserts: [person('p2', ['00ab12cd34'])] }),
      ),
    ).rejects.toMatchObject({ code: 'credentialTwice' })
    expect([roster.syncedVersion, roster.size]).toEqual([1, 1])
    expect(roster.lookup('card', '00AB12CD34')?.personId).toBe('p1')
  })

  it('replaces study hours with each update, and a full update replaces everyone', async () => {
    const roster = await openRoster(file())
    await roster.receive(
      update({
        version: 1,
        upserts: [person('p1'), person('p2')],
        study: [{ personId: 'p1', done: 1, dueByNow: 2, target: 32, behind: true }],
      }),
    )
    await roster.receive(
      update({
        version: 5,
        studyAsOf: '2026-11-28',
        upserts: [person('p2')],
        study: [{ personId: 'p2', done: 3, dueByNow: 2, target: 32, behind: false }],
      }),
    )
    expect(roster.person('p1')).toBeUndefined()
    expect(roster.study('p1')).toBeUndefined()
    expect(roster.study('p2')).toMatchObject({ done: 3, asOf: '2026-11-28' })
  })

  it("keeps the station's rota and plans across a restart, and over an update that carries none", async () => {
    const f = file()
    const roster = await openRoster(f)
    const rota = {
      stationId: '339901001001',
      patterns: [{ weekday: 1, start: '08:30', end: '17:30', personIds: ['c1'] }],
      holidays: [],
      graceLateMin: 5,
      graceEarlyMin: 5,
      duplicateWithinMin: 3,
    }
    const plan = {
      activityId: 'a-25',
      kind: 'themeDay' as const,
      title: '主题党日',
      date: '2026-11-25',
      agenda: [],
      hours: 2,
    }
    await roster.receive(update({ version: 1, upserts: [person('c1')], rotas: [rota], plans: [plan] }))
    await roster.receive(update({ full: false, fromVersion: 1, version: 2, upserts: [person('c2')] }))
    await roster.close()
    open.pop()
    const again = await openRoster(f)
    expect([again.rotas(), again.plans()]).toEqual([[rota], [plan]])
  })
})

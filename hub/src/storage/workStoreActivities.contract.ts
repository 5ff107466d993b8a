import { expect, it } from 'vitest'
import type { StudyEntry } from '../domain/activities/studyHours.js'
import { A, at, B, C, photoId, plan, type WorkHarness } from './workStore.fixture.js'

/** Activity plans, study hours, and what the ledger says of activities (WorkStore contract). */
export function activityCases(h: WorkHarness): void {
  it('gives the sign-ins of each activity made at its own station, in the order received', async () => {
    const checkin = (stationId: string, time: string, body: Record<string, unknown>) =>
      h.event(stationId, 'checkin', time, { method: 'card', ...body })
    await h.ledger(
      checkin(A, '2026-11-25T02:00:00Z', { personId: 'dl-001', activityId: 'act-1', score: 0.9 }),
      checkin(B, '2026-11-25T02:01:00Z', { personId: 'xl-001', activityId: 'act-1' }),
      checkin(A, '2026-11-25T02:05:00Z', {
        personId: 'dl-002',
        method: 'vouch',
        activityId: 'act-1',
        vouchedBy: 'dl-001',
        witnessPhotoId: photoId('a'),
      }),
      checkin(B, '2026-11-25T03:00:00Z', { personId: 'xl-001', method: 'qr', activityId: 'act-2' }),
      checkin(A, '2026-11-25T02:30:00Z', { personId: 'dl-001' }),
      checkin(A, '2026-11-25T02:31:00Z', { personId: 'dl-001', activityId: 'act-9' }),
      h.event(A, 'activity.photo', '2026-11-25T02:40:00Z', {
        photoId: photoId('b'),
        purpose: 'evidence',
        activityId: 'act-1',
        width: 1280,
        height: 720,
        bytes: 90_000,
      }),
      // uploaded late: received last, though made first
      checkin(A, '2026-11-25T01:58:00Z', { personId: 'dl-003', method: 'face', activityId: 'act-1' }),
    )
    const signIns = await h.work.signIns([
      { activityId: 'act-1', stationId: A },
      { activityId: 'act-2', stationId: B },
      { activityId: 'act-3', stationId: A },
    ])
    expect([...signIns]).toEqual([
      [
        'act-1',
        [
          { personId: 'dl-001', method: 'card', at: at('2026-11-25T02:00:00Z') },
          {
            personId: 'dl-002',
            method: 'vouch',
            at: at('2026-11-25T02:05:00Z'),
            vouchedBy: 'dl-001',
            witnessPhotoId: photoId('a'),
          },
          { personId: 'dl-003', method: 'face', at: at('2026-11-25T01:58:00Z') },
        ],
      ],
      ['act-2', [{ personId: 'xl-001', method: 'qr', at: at('2026-11-25T03:00:00Z') }]],
      ['act-3', []],
    ])
    // act-2 is B's: A's kiosk has no sign-ins of it
    expect([...(await h.work.signIns([{ activityId: 'act-2', stationId: A }]))]).toEqual([['act-2', []]])
    expect((await h.work.signIns([])).size).toBe(0)
  })

  it('gives the photos of activities and the photos named, oldest first', async () => {
    const photo = (stationId: string, time: string, body: Record<string, unknown>) =>
      h.event(stationId, 'activity.photo', time, { width: 1280, height: 960, bytes: 123_456, ...body })
    const shots = [
      photo(A, '2026-11-25T02:05:00Z', { photoId: photoId('1'), purpose: 'witness', takenBy: 'dl-001' }),
      photo(A, '2026-11-25T02:30:00Z', {
        photoId: photoId('2'),
        purpose: 'evidence',
        activityId: 'act-1',
        faces: 12,
      }),
      photo(A, '2026-11-25T02:20:00Z', {
        photoId: photoId('3'),
        purpose: 'evidence',
        activityId: 'act-1',
        faces: 9,
      }),
      photo(B, '2026-11-25T02:20:00Z', {
        photoId: photoId('4'),
        purpose: 'evidence',
        activityId: 'act-1',
        faces: 0,
      }),
      photo(B, '2026-11-25T03:00:00Z', { photoId: photoId('5'), purpose: 'evidence', activityId: 'act-2' }),
    ]
    await h.ledger(
      ...shots,
      h.event(A, 'checkin', '2026-11-25T02:00:00Z', {
        personId: 'dl-001',
        method: 'card',
        activityId: 'act-1',
      }),
    )
    const [p1, p2, p3, p4, p5] = shots.map((e) => ({
      ...(e.body as object),
      stationId: e.stationId,
      at: at(e.time),
    }))
    expect(await h.work.activityPhotos({ activityIds: ['act-1'] })).toEqual([p3, p4, p2])
    expect(await h.work.activityPhotos({ photoIds: [photoId('5'), photoId('1')] })).toEqual([p1, p5])
    expect(await h.work.activityPhotos({ activityIds: ['act-2'], photoIds: [photoId('1')] })).toEqual([
      p1,
      p5,
    ])
    expect(await h.work.activityPhotos({ activityIds: ['act-1'], photoIds: [photoId('2')] })).toEqual([
      p3,
      p4,
      p2,
    ])
    expect(await h.work.activityPhotos({ activityIds: ['act-3'], photoIds: [photoId('9')] })).toEqual([])
    expect(await h.work.activityPhotos({})).toEqual([])
    expect(await h.work.activityPhotos({ activityIds: [], photoIds: [] })).toEqual([])
  })

  it('gives when each activity was first opened and first closed at its own station', async () => {
    const start = (stationId: string, time: string, activityId: string, startedBy: string) =>
      h.event(stationId, 'activity.start', time, {
        activityId,
        kind: 'themeDay',
        title: '主题党日',
        startedBy,
      })
    const end = (stationId: string, time: string, activityId: string, endedBy: string) =>
      h.event(stationId, 'activity.end', time, { activityId, endedBy })
    await h.ledger(
      start(A, '2026-11-25T01:00:00Z', 'act-1', 'dl-001'),
      start(B, '2026-11-25T00:00:00Z', 'act-1', 'xl-001'),
      start(A, '2026-11-25T01:10:00Z', 'act-1', 'dl-002'),
      start(B, '2026-11-25T00:30:00Z', 'act-2', 'xl-001'),
      end(A, '2026-11-25T03:00:00Z', 'act-1', 'dl-001'),
      end(A, '2026-11-25T03:30:00Z', 'act-1', 'dl-002'),
      end(C, '2026-11-24T23:00:00Z', 'act-4', 'na-001'),
      start(A, '2026-11-25T00:55:00Z', 'act-1', 'dl-003'),
      end(A, '2026-11-25T04:00:00Z', 'act-2', 'dl-001'),
    )
    const marks = await h.work.activityMarks([
      { activityId: 'act-1', stationId: A },
      { activityId: 'act-2', stationId: B },
      { activityId: 'act-3', stationId: A },
      { activityId: 'act-4', stationId: C },
    ])
    expect([...marks]).toEqual([
      ['act-4', { started: null, ended: { at: at('2026-11-24T23:00:00Z'), by: 'na-001' } }],
      ['act-2', { started: { at: at('2026-11-25T00:30:00Z'), by: 'xl-001' }, ended: null }],
      [
        'act-1',
        {
          started: { at: at('2026-11-25T00:55:00Z'), by: 'dl-003' },
          ended: { at: at('2026-11-25T03:00:00Z'), by: 'dl-001' },
        },
      ],
    ])
    expect((await h.work.activityMarks([])).size).toBe(0)
  })

  it('keeps activity plans by id, listed by date then id between two dates inclusive', async () => {
    const p0 = plan('act-oct-31', C, '2026-10-31')
    const p1 = plan('act-nov-25-a', A, '2026-11-25')
    const p2 = plan('act-nov-25-b', B, '2026-11-25', {
      kind: 'branchAssembly',
      quorum: { fraction: 0.5, strictlyMore: true },
    })
    const p3 = plan('act-dec-01', A, '2026-12-01', {
      kind: 'makeUp',
      theme: 'x',
      themeTitle: '乡村振兴',
      makeUpOf: 'act-nov-25-a',
      expected: ['dl-002'],
      leave: [],
      hours: 1.5,
    })
    const pFirst = plan('act-nov-25-0', B, '2026-11-25', { title: '党课', kind: 'partyLecture' })
    for (const p of [p3, p1, p2, p0, pFirst]) await h.work.savePlan(p, 'op')
    const p2moved = { ...p2, stationId: C, date: '2026-11-30', title: '支部党员大会（改期）' }
    await h.work.savePlan(p2moved, 'op-b')
    expect(await h.work.plans({ from: '2026-11-01', to: '2026-11-30' })).toEqual([pFirst, p1, p2moved])
    expect(await h.work.plans({ from: '2026-11-25', to: '2026-11-25' })).toEqual([pFirst, p1])
    expect(await h.work.plans({ from: '2026-10-31', to: '2026-12-01' })).toEqual([
      p0,
      pFirst,
      p1,
      p2moved,
      p3,
    ])
    expect(await h.work.plans({ from: '2026-12-02', to: '2026-12-31' })).toEqual([])
    expect(await h.work.plan('act-dec-01')).toEqual(p3)
    expect(await h.work.plan('act-nov-25-b')).toEqual(p2moved)
    expect(await h.work.plan('nope')).toBeUndefined()
    expect((await h.trail(2)).map((t) => t.slice(1))).toEqual([
      ['op-b', 'activity.plan', { activityId: 'act-nov-25-b' }],
      ['op', 'activity.plan', { activityId: 'act-nov-25-0' }],
    ])
  })

  it('keeps study entries, by year in the order entered', async () => {
    const entries: StudyEntry[] = [
      { personId: 'dl-001', hours: 2, source: 'activity', ref: 'act-nov-25-a', date: '2026-11-25' },
      { personId: 'dl-002', hours: 1.5, source: 'study', ref: 'study-2026-03', date: '2026-03-10' },
      { personId: 'dl-001', hours: 0.25, source: 'manual', ref: '补录：县委党校', date: '2025-12-31' },
      { personId: 'dl-001', hours: 3, source: 'manual', ref: '线上学习', date: '2026-01-01' },
      { personId: 'dl-003', hours: 1, source: 'study', ref: 'study-2027-01', date: '2027-01-01' },
    ]
    for (const e of entries) await h.work.addStudyEntry(e, 'op-study')
    const [e1, e2, e3, e4, e5] = entries
    expect(await h.work.studyEntries(2026)).toEqual([e1, e2, e4])
    expect(await h.work.studyEntries(2025)).toEqual([e3])
    expect(await h.work.studyEntries(2027)).toEqual([e5])
    expect(await h.work.studyEntries(2024)).toEqual([])
    expect((await h.trail(1))[0]).toEqual([5, 'op-study', 'study.entry', e5])
  })
}

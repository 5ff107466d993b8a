import type { Event } from '@ejia/protocol'
import { describe, expect, it } from 'vitest'
import { planBatch } from './batchPlan.js'

const ev = (seq: number): Event =>
  ({ id: `id-${seq}`, stationId: '339901001001', seq, time: '', type: 'checkin', body: {} }) as Event
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => ev(from + i))
const seqs = (p: { live: Event[]; backlog: Event[] }) => [
  p.live.map((e) => e.seq),
  p.backlog.map((e) => e.seq),
]

describe('planBatch', () => {
  it('gives live events half the batch while a backlog drains', () => {
    const plan = planBatch({ live: range(1001, 30), backlog: range(1, 100) }, 10, 1e6, () => 100)
    expect(seqs(plan)).toEqual([
      [1001, 1002, 1003, 1004, 1005],
      [1, 2, 3, 4, 5],
    ])
  })

  it('lets either lane use the whole batch when the other is empty', () => {
    expect(seqs(planBatch({ live: range(1, 20), backlog: [] }, 10, 1e6, () => 1))[0]).toHaveLength(10)
    expect(seqs(planBatch({ live: [], backlog: range(1, 20) }, 10, 1e6, () => 1))[1]).toHaveLength(10)
    expect(seqs(planBatch({ live: range(100, 2), backlog: range(1, 20) }, 10, 1e6, () => 1))).toEqual([
      [100, 101],
      [1, 2, 3, 4, 5, 6, 7, 8],
    ])
  })

  it('stops at the byte budget but always sends at least one event', () => {
    expect(seqs(planBatch({ live: range(1, 5), backlog: range(10, 5) }, 10, 250, () => 100))).toEqual([
      [1, 2],
      [],
    ])
    expect(seqs(planBatch({ live: [], backlog: range(1, 5) }, 10, 50, () => 100))).toEqual([[], [1]])
  })
})

import type { EventType } from '@ejia/protocol'
import { v7 as uuidv7 } from 'uuid'
import { afterEach, describe, expect, it } from 'vitest'
import type { Journal, JournalEntry } from './journal.js'

/** What every Journal must do; run against each adapter (MQTT.js abstract_store style). */
export function describeJournal(name: string, open: () => Promise<Journal>): void {
  describe(`Journal contract: ${name}`, () => {
    let journal: Journal | undefined
    afterEach(async () => {
      await journal?.close()
      journal = undefined
    })
    const entry = (i: number): JournalEntry => ({
      id: uuidv7(),
      type: 'checkin' as EventType,
      time: new Date(Date.UTC(2026, 10, 25, 1, 0, i)).toISOString(),
      body: { personId: `p-${i}`, method: 'card' },
    })

    it('numbers events 1, 2, 3... and returns them as pending in order', async () => {
      journal = await open()
      const a = await journal.append(entry(1))
      const b = await journal.append(entry(2))
      expect([a.seq, b.seq]).toEqual([1, 2])
      expect(a.stationId).toBe(journal.stationId)
      const pending = await journal.pending({ afterSeq: 0, limit: 10 })
      expect(pending.map((e) => [e.seq, e.id, e.body])).toEqual([
        [1, a.id, a.body],
        [2, b.id, b.body],
      ])
      expect(await journal.lastSeq()).toBe(2)
    })

    it('filters pending by sequence window and limit', async () => {
      journal = await open()
      for (let i = 1; i <= 6; i++) await journal.append(entry(i))
      const window = await journal.pending({ afterSeq: 2, uptoSeq: 5, limit: 2 })
      expect(window.map((e) => e.seq)).toEqual([3, 4])
    })

    it('removes acknowledged events from the outbox, once', async () => {
      journal = await open()
      const events = [
        await journal.append(entry(1)),
        await journal.append(entry(2)),
        await journal.append(entry(3)),
      ]
      expect(await journal.markAcked([events[0]!.id, events[2]!.id, 'not-an-event'], Date.now())).toBe(2)
      expect(await journal.markAcked([events[0]!.id], Date.now())).toBe(0)
      expect((await journal.pending({ afterSeq: 0, limit: 10 })).map((e) => e.seq)).toEqual([2])
      const backlog = await journal.backlog()
      expect(backlog.depth).toBe(1)
      expect(backlog.oldestUnsentAt).toBe(events[1]!.time)
    })

    it('keeps rejected events as dead letters, out of the outbox', async () => {
      journal = await open()
      const e = await journal.append(entry(1))
      expect(await journal.markRejected([{ id: e.id, code: 'schema', message: 'bad' }], Date.now())).toBe(1)
      expect(await journal.pending({ afterSeq: 0, limit: 10 })).toEqual([])
      expect(await journal.backlog()).toMatchObject({ depth: 0, deadLetters: 1, oldestUnsentAt: null })
    })

    it('prunes only acknowledged events and never reuses a sequence number', async () => {
      journal = await open()
      const a = await journal.append(entry(1))
      await journal.append(entry(2))
      await journal.markAcked([a.id], Date.now())
      expect(await journal.prune(Date.UTC(2030, 0, 1))).toBe(1)
      const c = await journal.append(entry(3))
      expect(c.seq).toBe(3)
      expect((await journal.pending({ afterSeq: 0, limit: 10 })).map((e) => e.seq)).toEqual([2, 3])
    })

    it('requeues acknowledged events from a sequence number, keeps dead letters dead, refuses a pruned start', async () => {
      journal = await open()
      const events = []
      for (let i = 1; i <= 5; i++) events.push(await journal.append(entry(i)))
      const [e1, e2, e3, e4] = events.map((e) => e.id) as [string, string, string, string]
      await journal.markAcked([e1, e2, e3], 1)
      await journal.markRejected([{ id: e4, code: 'schema', message: 'bad' }], 1)
      // 3 is acknowledged and comes back, 4 is a dead letter, 5 was never sent
      expect(await journal.requeue(2)).toEqual({ requeued: 2, fromSeq: 2 })
      expect((await journal.pending({ afterSeq: 0, limit: 10 })).map((e) => e.seq)).toEqual([2, 3, 5])
      expect(await journal.requeue(99)).toEqual({ requeued: 0, fromSeq: 99 })
      await journal.markAcked([e2, e3], 2)
      await journal.markAcked([e1], 2)
      expect(await journal.prune(Date.UTC(2026, 10, 25, 1, 0, 2))).toBe(1)
      await expect(journal.requeue(1)).rejects.toMatchObject({ code: 'pruned' })
      expect(await journal.requeue(2)).toEqual({ requeued: 2, fromSeq: 2 })
      // told to skip what retention deleted, it sends what it still holds
      await journal.markAcked([e2, e3], 3)
      expect(await journal.requeue(1, { skipPruned: true })).toEqual({ requeued: 2, fromSeq: 2 })
    })

    it('finds the latest event of a type about a person', async () => {
      journal = await open()
      const punch = (personId: string, direction: string, i: number) =>
        journal!.append({
          ...entry(i),
          type: 'duty.punch' as EventType,
          body: { personId, direction, method: 'card' },
        })
      await punch('c-1', 'in', 1)
      await punch('c-2', 'in', 2)
      await punch('c-1', 'out', 3)
      expect((await journal.latest('duty.punch', 'c-1'))?.body).toMatchObject({ direction: 'out' })
      expect((await journal.latest('duty.punch', 'c-2'))?.seq).toBe(2)
      expect(await journal.latest('duty.punch', 'nobody')).toBeUndefined()
      const today = await journal.since(
        'duty.punch',
        new Date(Date.UTC(2026, 10, 25, 1, 0, 2)).toISOString(),
        10,
      )
      expect(today.map((e) => e.seq)).toEqual([2, 3])
      expect(await journal.since('duty.punch', '2026-11-26T00:00:00.000Z', 10)).toEqual([])
    })
  })
}

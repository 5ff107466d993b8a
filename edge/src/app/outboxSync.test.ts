import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { FakeUplink } from '../adapters/fake/fakeUplink.js'
import { ManualClock } from '../adapters/fake/manualClock.js'
import { MemoryJournal } from '../adapters/fake/memoryJournal.js'
import { FaultBoard } from './faults.js'
import { OutboxSync } from './outboxSync.js'
import { createRecordEvent } from './recordEvent.js'

const settle = () => new Promise((r) => setTimeout(r, 5))

function setup(opts: { batchMaxEvents?: number; maxInFlightBatches?: number } = {}) {
  const clock = new ManualClock()
  const journal = new MemoryJournal('339901001001')
  const uplink = new FakeUplink()
  const outbox = new OutboxSync(
    { journal, uplink, clock, log: pino({ level: 'silent' }) },
    {
      batchMaxEvents: opts.batchMaxEvents ?? 10,
      maxInFlightBatches: opts.maxInFlightBatches ?? 2,
      ackTimeoutMs: 15_000,
    },
  )
  uplink.start({
    onConnect: () => outbox.onConnect(),
    onDisconnect: () => outbox.onDisconnect(),
    onAck: (ack) => void outbox.onAck(ack),
    onFault: () => undefined,
  })
  const record = createRecordEvent({
    journal,
    clock,
    faults: new FaultBoard(clock),
    onRecorded: () => outbox.kick(),
  })
  const checkin = (i: number) => record('checkin', { personId: `p-${i}`, method: 'card' })
  const sentSeqs = () => uplink.batches.map((b) => b.events.map((e) => e.seq))
  return { clock, journal, uplink, outbox, checkin, sentSeqs }
}

describe('OutboxSync', () => {
  it('records offline, then sends everything once connected, and empties the outbox on ack', async () => {
    const t = setup()
    for (let i = 1; i <= 5; i++) await t.checkin(i)
    await settle()
    expect(t.uplink.batches).toHaveLength(0)
    t.uplink.connect()
    await settle()
    expect(t.sentSeqs()).toEqual([[1, 2, 3, 4, 5]])
    t.uplink.ackAll()
    await settle()
    expect((await t.journal.backlog()).depth).toBe(0)
    expect(t.outbox.stats()).toMatchObject({ eventsAcked: 5, inFlightBatches: 0 })
  })

  it('keeps events until an ack names them, and does not count unknown ids', async () => {
    const t = setup()
    t.uplink.connect()
    const a = await t.checkin(1)
    const b = await t.checkin(2)
    await settle()
    t.uplink.ack({ accepted: [a.id], duplicate: ['0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'] })
    await settle()
    expect((await t.journal.pending({ afterSeq: 0, limit: 10 })).map((e) => e.id)).toEqual([b.id])
    expect(t.outbox.stats().eventsAcked).toBe(1)
  })

  it('lets live events through while a long backlog drains', async () => {
    const t = setup({ batchMaxEvents: 10, maxInFlightBatches: 1 })
    for (let i = 1; i <= 100; i++) await t.checkin(i)
    t.uplink.connect()
    await settle()
    await t.checkin(101) // happens right now, at the kiosk
    t.uplink.ackAll()
    await settle()
    // the second batch carries the live event although 90 older ones still wait
    expect(t.sentSeqs()[1]).toContain(101)
    expect(t.sentSeqs()[1]).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 101])
  })

  it('limits batches in flight and sends again when no ack comes', async () => {
    const t = setup({ batchMaxEvents: 2, maxInFlightBatches: 2 })
    for (let i = 1; i <= 6; i++) await t.checkin(i)
    t.uplink.connect()
    await settle()
    expect(t.sentSeqs()).toEqual([
      [1, 2],
      [3, 4],
    ])
    t.clock.advance(15_000)
    await settle()
    expect(t.sentSeqs().slice(2)).toEqual([
      [1, 2],
      [3, 4],
    ])
    expect(t.outbox.stats().ackTimeouts).toBe(1)
  })

  it('sends unacked events again after the link drops', async () => {
    const t = setup()
    t.uplink.connect()
    await t.checkin(1)
    await t.checkin(2)
    await settle()
    t.uplink.ack({ accepted: [t.uplink.batches[0]!.events[0]!.id] })
    t.uplink.disconnect()
    await t.checkin(3)
    t.uplink.connect()
    await settle()
    expect(t.sentSeqs().at(-1)).toEqual([2, 3])
  })

  it('moves refused events to dead letters and stops sending them', async () => {
    const t = setup()
    t.uplink.connect()
    const e = await t.checkin(1)
    await settle()
    t.uplink.ack({ rejected: [{ id: e.id, code: 'schema', message: 'no' }] })
    await settle()
    expect(await t.journal.backlog()).toMatchObject({ depth: 0, deadLetters: 1 })
    t.clock.advance(60_000)
    await settle()
    expect(t.uplink.batches).toHaveLength(1)
  })

  it('retries by itself when the journal fails to read, without losing anything', async () => {
    const t = setup()
    await t.checkin(1)
    const pending = t.journal.pending.bind(t.journal)
    let failures = 1
    t.journal.pending = async (q) => {
      if (failures-- > 0) throw new Error('SQLITE_IOERR: disk I/O error')
      return pending(q)
    }
    t.uplink.connect()
    await settle()
    expect(t.uplink.batches).toHaveLength(0)
    t.clock.advance(5000)
    await settle()
    expect(t.sentSeqs()).toEqual([[1]])
  })
})

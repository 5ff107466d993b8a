import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { FakeUplink } from '../adapters/fake/fakeUplink.js'
import { ManualClock } from '../adapters/fake/manualClock.js'
import { MemoryJournal } from '../adapters/fake/memoryJournal.js'
import { FaultBoard } from './faults.js'
import { HeartbeatSender } from './heartbeat.js'

describe('HeartbeatSender', () => {
  it('reports at connect and every interval: backlog, its age, versions and faults', async () => {
    const clock = new ManualClock()
    const journal = new MemoryJournal('339901001001')
    const uplink = new FakeUplink()
    const faults = new FaultBoard(clock)
    const sender = new HeartbeatSender({
      journal,
      clock,
      faults,
      uplink,
      log: pino({ level: 'silent' }),
      versions: { agent: '0.1.0', config: 'c7' },
      bootedAt: clock.now(),
      intervalMs: 30_000,
      diskSpace: async () => ({ freeBytes: 3 * 1024 ** 3, totalBytes: 16 * 1024 ** 3 }),
    })
    await journal.append({ id: 'e1', type: 'checkin', time: new Date(clock.now()).toISOString(), body: {} })
    uplink.start({
      onConnect: () => sender.onConnect(),
      onDisconnect: () => sender.stop(),
      onAck: () => {},
      onFault: () => {},
    })
    uplink.connect()
    await new Promise((r) => setTimeout(r, 5))
    clock.advance(90_000)
    faults.set('camera', 'noFrames', 'no frames for 60 s')
    clock.advance(30_000)
    await new Promise((r) => setTimeout(r, 5))
    expect(uplink.heartbeats).toHaveLength(5)
    const last = uplink.heartbeats.at(-1)!
    expect(last).toMatchObject({
      intervalS: 30,
      lastSeq: 1,
      backlog: { depth: 1, oldestUnsentAgeS: 120, deadLetters: 0 },
      versions: { agent: '0.1.0', config: 'c7', protocol: 'v1' },
      faults: [{ device: 'camera', code: 'noFrames' }],
      disk: { freeBytes: 3 * 1024 ** 3, totalBytes: 16 * 1024 ** 3 },
    })
    uplink.disconnect()
    clock.advance(120_000)
    await new Promise((r) => setTimeout(r, 5))
    expect(uplink.heartbeats).toHaveLength(5)
  })
})

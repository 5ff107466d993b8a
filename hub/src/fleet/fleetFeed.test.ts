import { type Heartbeat, PROTOCOL_VERSION, stationTopic } from '@ejia/protocol'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Counters } from '../ingest/counters.js'
import type { Storage } from '../storage/storage.js'
import { Fleet } from './fleet.js'
import { FleetFeed } from './fleetFeed.js'
import type { StationView } from './stationView.js'

const A = '339901001001'
const B = '339901002002'

/** The fleet's change listeners and the feed the dashboards' streams read, on a fake clock. */
describe('fleet changes, coalesced for the live stream', () => {
  let fleet: Fleet
  let now = Date.parse('2026-11-27T01:00:00Z')
  const heartbeat = (intervalS = 10): Buffer =>
    Buffer.from(
      JSON.stringify({
        time: new Date(now).toISOString(),
        bootedAt: '2026-11-27T00:00:00.000Z',
        intervalS,
        lastSeq: 0,
        backlog: { depth: 0, oldestUnsentAt: null, oldestUnsentAgeS: null, deadLetters: 0 },
        versions: { agent: '0.1.0', protocol: PROTOCOL_VERSION, config: 'c1' },
        faults: [],
      } satisfies Heartbeat),
    )

  beforeEach(async () => {
    vi.useFakeTimers({ now })
    const storage = {
      listStations: async () => [
        { id: A, name: '一村', tier: 'village', townCode: '339901001', contact: null },
        { id: B, name: '二村', tier: 'village', townCode: '339901002', contact: null },
      ],
      listTowns: async () => [
        { code: '339901001', name: '城关镇' },
        { code: '339901002', name: '东坝镇' },
      ],
      loadStationStates: async () => [],
      saveStationStates: async () => {},
    } as unknown as Storage
    fleet = new Fleet({
      storage,
      counters: new Counters(),
      log: pino({ level: 'silent' }),
      now: () => now,
      onRejects: () => {},
    })
    await fleet.load()
  })
  afterEach(async () => {
    await fleet.stop()
    vi.useRealTimers()
  })
  const advance = async (ms: number) => {
    now += ms
    await vi.advanceTimersByTimeAsync(ms)
  }

  it('tells listeners of each message, and of a heartbeat timeout no message brings', async () => {
    const heard: string[] = []
    const off = fleet.onChange((id) => heard.push(`${id}:${fleet.get(id)?.status}`))
    fleet.handleHeartbeat(stationTopic(A, 'heartbeat'), heartbeat(10))
    expect(heard).toEqual([`${A}:online`])
    // 2.5 intervals of 10 s go by in silence: the sweep notices within a second
    await advance(25_000)
    expect(heard).toEqual([`${A}:online`])
    await advance(1000)
    expect(heard).toEqual([`${A}:online`, `${A}:offline`])
    expect(fleet.get(A)?.offlineReason).toBe('heartbeatTimeout')
    // and nothing more while it stays offline
    await advance(5000)
    expect(heard.length).toBe(2)
    off()
    fleet.handleHeartbeat(stationTopic(A, 'heartbeat'), heartbeat(10))
    expect(heard.length).toBe(2)
  })

  it('sends a burst at one station once, with its latest view, at most once a second', async () => {
    const feed = new FleetFeed(fleet, 1000)
    const got: StationView[][] = []
    const unsubscribe = feed.subscribe((views) => got.push([...views]))
    fleet.handleHeartbeat(stationTopic(A, 'heartbeat'), heartbeat())
    for (let i = 0; i < 20; i++) fleet.eventsSeen(A, new Date(now + 3000).toISOString(), now)
    fleet.handleHeartbeat(stationTopic(B, 'heartbeat'), heartbeat())
    expect(got).toEqual([])
    await advance(1000)
    expect(got.length).toBe(1)
    expect(got[0]?.map((v) => v.id).sort()).toEqual([A, B])
    expect(got[0]?.find((v) => v.id === A)?.clockSkewS).toBe(3)
    await advance(5000)
    expect(got.length).toBe(1)
    unsubscribe()
    fleet.handleHeartbeat(stationTopic(A, 'heartbeat'), heartbeat())
    await advance(2000)
    expect(got.length).toBe(1)
  })
})

import { MAX_PAYLOAD_BYTES, stationTopic } from '@ejia/protocol'
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../../test/helpers/district.js'
import { loginSession, startTestHub, TEST_ADMIN, type TestHub } from '../../test/helpers/hub.js'
import { checkinEvent, connectStation } from '../../test/helpers/mqtt.js'

/** Medium tier: the real hub in-process, a real aedes broker on an ephemeral port, real SQLite. */
describe('hub ingest, ACLs and API', () => {
  const district = makeDistrict(3)
  const [a, b] = district.configs as [(typeof district.configs)[0], (typeof district.configs)[0]]
  let hub: TestHub
  let url: string
  let api: string
  const get = async (path: string) =>
    (await fetch(`${api}${path}`, { headers: hub.auth })).json() as Promise<Record<string, any>>
  const ingestStats = () => get('/api/stats/ingest')

  beforeAll(async () => {
    hub = await startTestHub(district.registry)
    url = hub.mqttUrl
    api = hub.api
  })
  afterAll(() => hub.stop())

  it('commits a batch and only then acks it; a re-sent batch is acked as duplicate and stored once', async () => {
    const st = await connectStation(url, a.station.id, a.hub.password)
    const events = [checkinEvent(a.station.id, 1), checkinEvent(a.station.id, 2)]
    const payload = JSON.stringify({ sentAt: new Date().toISOString(), events })
    const ack = st.nextAck()
    await st.client.publishAsync(stationTopic(a.station.id, 'events'), payload, { qos: 1 })
    expect(await ack).toMatchObject({ accepted: events.map((e) => e.id), duplicate: [], rejected: [] })

    const again = st.nextAck()
    await st.client.publishAsync(stationTopic(a.station.id, 'events'), payload, { qos: 1 })
    expect(await again).toMatchObject({ accepted: [], duplicate: events.map((e) => e.id) })

    const ledger = await get(`/api/events?station=${a.station.id}`)
    expect(ledger.events.map((e: { seq: number }) => e.seq)).toEqual([1, 2])
    // by person: the events whose body names them (checkinEvent's person of seq n is p-n)
    const ofPerson = await get('/api/events?person=p-2')
    expect(ofPerson.events.map((e: { seq: number }) => e.seq)).toEqual([2])
    const station = await get(`/api/stations/${a.station.id}`)
    expect(station).toMatchObject({ status: 'online', ledger: { events: 2, seqMax: 2, missing: 0 } })
    expect(await ingestStats()).toMatchObject({ accepted: 2, duplicates: 2 })
    await st.close()
  })

  it("denies and counts a station publishing under another station's topic", async () => {
    const st = await connectStation(url, a.station.id, a.hub.password)
    const closed = new Promise<void>((r) => st.client.once('close', () => r()))
    st.client.publish(
      stationTopic(b.station.id, 'events'),
      JSON.stringify({ sentAt: new Date().toISOString(), events: [checkinEvent(b.station.id, 1)] }),
      { qos: 1 },
    )
    await closed // MQTT 3.1.1 has no negative PUBACK: the broker drops the connection
    const events = await get(`/api/events?station=${b.station.id}`)
    expect(events.events).toEqual([])
    expect((await ingestStats()).denied.byReason).toMatchObject({ publish: 1 })
    await st.close()
  })

  it("refuses a subscription to another station's acks, and counts it", async () => {
    const st = await connectStation(url, a.station.id, a.hub.password)
    // SUBACK return code 0x80 [MQTT-3.9.3]; mqtt.js turns it into an error carrying the packet
    const granted = (filter: string) =>
      st.client.subscribeAsync(filter, { qos: 1 }).then(
        () => 'granted',
        (err: { packet?: { granted?: number[] } }) => err.packet?.granted,
      )
    expect(await granted(stationTopic(b.station.id, 'ack'))).toEqual([128])
    expect(await granted('ejia/v1/station/+/ack')).toEqual([128])
    expect((await ingestStats()).denied.byReason).toMatchObject({ subscribe: 2 })
    await st.close()
  })

  it('refuses a wrong secret, an unknown user and a borrowed client id', async () => {
    await expect(connectStation(url, a.station.id, 'not-the-secret-at-all')).rejects.toThrow()
    await expect(connectStation(url, '339901009999', a.hub.password)).rejects.toThrow()
    await expect(
      connectStation(url, a.station.id, a.hub.password, { clientId: `ejia-edge-${b.station.id}` }),
    ).rejects.toThrow()
    expect((await ingestStats()).denied.byReason).toMatchObject({
      'connect.badSecret': 1,
      'connect.unknownUser': 1,
      'connect.badClientId': 1,
    })
  })

  it('rejects and counts bad JSON, schema violations and oversized payloads, and keeps serving', async () => {
    const st = await connectStation(url, b.station.id, b.hub.password)
    const topic = stationTopic(b.station.id, 'events')
    await st.client.publishAsync(topic, '{"events": [', { qos: 1 })
    await st.client.publishAsync(topic, JSON.stringify({ sentAt: 'yesterday', events: [] }), { qos: 1 })
    await st.client.publishAsync(topic, Buffer.alloc(MAX_PAYLOAD_BYTES + 10, 0x7b), { qos: 1 })
    await st.client.publishAsync(stationTopic(b.station.id, 'heartbeat'), '{"time": 5}', { qos: 1 })

    // one bad event in an otherwise good batch is refused by id; its neighbour is stored
    const good = checkinEvent(b.station.id, 1)
    const bad = checkinEvent(b.station.id, 2, { body: { personId: 'p-2', method: 'telepathy' } } as never)
    const forged = checkinEvent(a.station.id, 3)
    const ack = st.nextAck()
    await st.client.publishAsync(
      topic,
      JSON.stringify({ sentAt: new Date().toISOString(), events: [good, bad, forged] }),
      { qos: 1 },
    )
    expect(await ack).toMatchObject({
      accepted: [good.id],
      rejected: [
        { id: bad.id, code: 'schema' },
        { id: forged.id, code: 'stationMismatch' },
      ],
    })

    const stats = await ingestStats()
    expect(stats.rejected.byReason).toMatchObject({ json: 1, schema: 3, tooLarge: 1, stationMismatch: 1 })
    expect((await get('/api/health')).status).toBe('ok')
    await new Promise((r) => setTimeout(r, 1100)) // reject records reach storage every second
    const rejects = (await get('/api/rejects?limit=10')).rejects as { code: string; detail: string }[]
    expect(rejects.map((r) => r.code)).toContain('tooLarge')
    expect(rejects.find((r) => r.code === 'schema' && r.detail.includes('/body/method'))).toBeDefined()
    await st.close()
  })

  it('answers only a logged-in operator, and a browser session only with its CSRF token on changes', async () => {
    const status = async (path: string, init: RequestInit = {}) => (await fetch(`${api}${path}`, init)).status
    expect(await status('/api/health')).toBe(200)
    expect(await status('/api/stations')).toBe(401)
    expect(await status('/api/stations', { headers: { authorization: 'Bearer ejia_0_forged' } })).toBe(401)
    const { cookie, csrf } = await loginSession(api, TEST_ADMIN.username, TEST_ADMIN.password)
    expect(await status('/api/stations', { headers: { cookie } })).toBe(200)
    const rota = {
      method: 'PUT',
      body: JSON.stringify({ patterns: [] }),
      headers: { cookie, 'content-type': 'application/json' },
    }
    expect(await status(`/api/duty/schedules/${a.station.id}`, rota)).toBe(403)
    expect(
      await status(`/api/duty/schedules/${a.station.id}`, {
        ...rota,
        headers: { ...rota.headers, 'x-csrf-token': csrf },
      }),
    ).toBe(200)
  })

  it('tracks presence from the retained status and heartbeats, and marks the last will offline', async () => {
    const { id } = district.configs[2]!.station
    const client = await mqtt.connectAsync(url, {
      clientId: `ejia-edge-${id}`,
      username: id,
      password: district.configs[2]!.hub.password,
      reconnectPeriod: 0,
      will: {
        topic: stationTopic(id, 'status'),
        payload: Buffer.from(
          JSON.stringify({ state: 'offline', reason: 'connectionLost', since: new Date().toISOString() }),
        ),
        qos: 1,
        retain: true,
      },
    })
    const skewed = new Date(Date.now() + 90_000).toISOString()
    await client.publishAsync(
      stationTopic(id, 'heartbeat'),
      JSON.stringify({
        time: skewed,
        bootedAt: skewed,
        intervalS: 30,
        lastSeq: 7,
        backlog: { depth: 3, oldestUnsentAt: skewed, oldestUnsentAgeS: 12, deadLetters: 0 },
        versions: { agent: '0.1.0', protocol: 'v1', config: 'c1' },
        faults: [{ device: 'camera', code: 'noFrames', message: 'no frames for 60 s', since: skewed }],
      }),
      { qos: 1 },
    )
    await new Promise((r) => setTimeout(r, 100))
    const online = await get(`/api/stations/${id}`)
    expect(online).toMatchObject({ status: 'online', backlog: 3, oldestUnsentAgeS: 12, lastSeq: 7 })
    expect(online.clockSkewS).toBeGreaterThan(85)
    expect(online.faults[0].device).toBe('camera')

    client.stream.destroy() // the link dies without DISCONNECT: the broker sends the will
    await new Promise((r) => setTimeout(r, 200))
    expect(await get(`/api/stations/${id}`)).toMatchObject({
      status: 'offline',
      offlineReason: 'connectionLost',
    })
    await client.endAsync(true)
  })
})

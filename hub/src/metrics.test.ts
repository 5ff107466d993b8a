import { stationTopic } from '@ejia/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../../test/helpers/district.js'
import { type BearerAuth, operatorAuth, startTestHub, type TestHub } from '../../test/helpers/hub.js'
import { checkinEvent, connectStation } from '../../test/helpers/mqtt.js'

/** The value of one sample in Prometheus text format, e.g. `ejia_stations{status="online"}`; 0 if absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]))
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3])
  }
  return 0
}

/** Prometheus /metrics on a real hub: who may scrape it, and figures that move with the traffic. */
describe('hub metrics', () => {
  const district = makeDistrict(4)
  const [a] = district.configs as [(typeof district.configs)[0]]
  let hub: TestHub
  const scrape = async (who: Partial<BearerAuth> = hub.auth) => {
    const res = await fetch(`${hub.api}/metrics`, { headers: { ...who } })
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() }
  }

  beforeAll(async () => {
    hub = await startTestHub(district.registry)
  })
  afterAll(() => hub?.stop())

  it('is for district operators only, unless the hub says metricsPublic', async () => {
    expect((await scrape({})).status).toBe(401)
    expect((await scrape({ authorization: 'Bearer ejia_0000_nope' })).status).toBe(401)
    const town = await operatorAuth(hub, {
      username: 'town-op',
      tier: 'town',
      scope: a.station.townCode,
    })
    expect((await scrape(town)).status).toBe(403)
    const ok = await scrape()
    expect(ok.status).toBe(200)
    expect(ok.type).toContain('text/plain')
    expect(ok.text).toContain('# TYPE ejia_ingest_events_total counter')
    expect(ok.text).toContain('process_resident_memory_bytes')

    const open = await startTestHub(district.registry, { metricsPublic: true })
    try {
      const res = await fetch(`${open.api}/metrics`)
      expect(res.status).toBe(200)
      expect(sample(await res.text(), 'ejia_stations', { status: 'never' })).toBe(4)
    } finally {
      await open.stop()
    }
  })

  it('counts events, duplicates, rejects, denials, commits, stations and requests as they happen', async () => {
    const before = (await scrape()).text
    expect(sample(before, 'ejia_ingest_events_total', { result: 'accepted' })).toBe(0)
    expect(sample(before, 'ejia_stations', { status: 'never' })).toBe(4)
    expect(sample(before, 'ejia_alarms_open', { kind: 'offline', acked: 'false' })).toBe(0)
    const commitsBefore = sample(before, 'ejia_ingest_commit_duration_seconds_count', { outcome: 'ok' })

    const st = await connectStation(hub.mqttUrl, a.station.id, a.hub.password)
    const events = [1, 2, 3].map((seq) => checkinEvent(a.station.id, seq))
    const payload = JSON.stringify({ sentAt: new Date().toISOString(), events })
    const topic = stationTopic(a.station.id, 'events')
    for (let i = 0; i < 2; i++) {
      const ack = st.nextAck()
      await st.client.publishAsync(topic, payload, { qos: 1 })
      await ack
    }
    await st.client.publishAsync(topic, '{"events": [', { qos: 1 })
    await expect(
      connectStation(hub.mqttUrl, a.station.id, 'not-the-secret', { clientId: 'x' }),
    ).rejects.toThrow()
    await fetch(`${hub.api}/api/stations`, { headers: hub.auth })

    const after = (await scrape()).text
    expect(sample(after, 'ejia_ingest_events_total', { result: 'accepted' })).toBe(3)
    expect(sample(after, 'ejia_ingest_events_total', { result: 'duplicate' })).toBe(3)
    expect(sample(after, 'ejia_ingest_rejected_total', { reason: 'json' })).toBe(1)
    expect(sample(after, 'ejia_broker_denied_total', { reason: 'connect.badSecret' })).toBe(1)
    expect(sample(after, 'ejia_ingest_commit_duration_seconds_count', { outcome: 'ok' })).toBe(
      commitsBefore + 2,
    )
    expect(sample(after, 'ejia_ingest_commit_events_sum')).toBe(6)
    expect(
      sample(after, 'ejia_storage_transaction_duration_seconds_count', { outcome: 'ok' }),
    ).toBeGreaterThan(2)
    expect(sample(after, 'ejia_broker_clients')).toBe(1)
    expect(sample(after, 'ejia_stations', { status: 'online' })).toBe(1)
    expect(sample(after, 'ejia_stations', { status: 'never' })).toBe(3)
    expect(
      sample(after, 'ejia_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/stations',
        status_code: '200',
      }),
    ).toBe(1)
    await st.close()
  })
})

import { connect } from 'node:net'
import { allStationsFilter, type Channel, channelNames, channels, stationTopic } from '@ejia/protocol'
import mqtt, { type MqttClient } from 'mqtt'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../../../test/helpers/district.js'
import { until } from '../../../test/helpers/wait.js'
import { HubMetrics } from '../http/metrics.js'
import { Counters } from '../ingest/counters.js'
import { createEmbeddedBroker, type EmbeddedBroker } from './embeddedBroker.js'
import { DEFAULT_BROKER_LIMITS, FloodGuard } from './floodGuard.js'
import { StationAuth } from './stationAuth.js'

const FORGED = 'forged-by-a'

/**
 * Medium tier: the hub's aedes broker on an ephemeral port. With station A's credentials,
 * every topic that is not A's to use, by the protocol's channel table: B's channels, A's own
 * `down` channels, wildcards, shared subscriptions, $SYS, names outside the tree. Every one
 * is refused and counted once, and neither B nor the hub hears a thing.
 */
describe('ACL sweep: a station’s credentials against every topic not its own', () => {
  const district = makeDistrict(2)
  const [a, b] = district.configs as [(typeof district.configs)[0], (typeof district.configs)[0]]
  const A = a.station.id
  const B = b.station.id
  const counters = new Counters()
  const heardByHub: string[] = []
  const heardByB: string[] = []
  let broker: EmbeddedBroker
  let url: string
  let port: number
  let sb: MqttClient
  const own = (dir: 'up' | 'down') => channelNames.filter((c) => channels[c].direction === dir)
  const login = (c: typeof a) =>
    mqtt.connectAsync(url, {
      clientId: `ejia-edge-${c.station.id}`,
      username: c.hub.username,
      password: c.hub.password,
      protocolVersion: 4,
      reconnectPeriod: 0,
    })
  /** The denials as /metrics shows them. */
  const deniedMetric = async (reason: string) => {
    const text = await new HubMetrics('test').scrape({
      counters: () => counters.totals(async () => ({})),
      stations: () => [],
      brokerClients: () => broker.connectedClients(),
      queuedEvents: () => 0,
      openAlarms: async () => [],
    })
    const line = text.split('\n').find((l) => l.startsWith(`ejia_broker_denied_total{reason="${reason}"}`))
    return Number(line?.split(' ')[1] ?? 0)
  }

  beforeAll(async () => {
    // one login per publish tried: more logins than a kiosk makes, so a roomier login rate
    const flood = new FloodGuard(
      { ...DEFAULT_BROKER_LIMITS, logins: { burst: 1000, perSecond: 100 } },
      { now: Date.now, quietMs: 600_000 },
    )
    broker = await createEmbeddedBroker({
      auth: new StationAuth(district.registry),
      counters,
      log: pino({ level: 'silent' }),
      flood,
    })
    // everything but aedes' own $SYS/<broker id>/… notices, which a hub-side `#` gets too
    await broker.bus.subscribe('#', (topic, payload) => {
      if (!/^\$SYS\/[0-9a-f-]{36}\//.test(topic)) heardByHub.push(`${topic} ${payload}`)
    })
    port = await broker.listen('127.0.0.1', 0)
    url = `mqtt://127.0.0.1:${port}`
    sb = await login(b)
    sb.on('message', (topic, payload) => heardByB.push(`${topic} ${payload}`))
    const granted = await sb.subscribeAsync(
      own('down').map((c) => stationTopic(B, c)),
      { qos: 1 },
    )
    expect(granted.map((g) => g.qos)).toEqual([1, 1, 1, 1])
    // the control: what the hub sends B's way reaches B, so B's silence below means something
    await broker.bus.publish(stationTopic(B, 'ack'), Buffer.from('control'), { qos: 1, retain: false })
    await until('the control at B', async () => (heardByB.length > 0 ? true : undefined))
    heardByB.length = 0
    heardByHub.length = 0
  })
  afterAll(async () => {
    await sb?.endAsync()
    await broker?.close()
  })

  const publishTargets = [
    ...channelNames.map((c: Channel) => stationTopic(B, c)),
    ...own('down').map((c) => stationTopic(A, c)),
    `ejia/v1/station/${A}`,
    `${stationTopic(A, 'events')}/extra`,
    `ejia/v2/station/${A}/events`,
    'ejia/v1/hub',
    '$SYS/broker/clients',
    `$share/g/${stationTopic(B, 'events')}`,
    // wildcards in a topic name: refused by aedes itself before the ACL [MQTT-3.3.2-2]
    allStationsFilter('events'),
    `ejia/v1/station/${A}/#`,
    '#',
  ]

  it(`refuses each of ${publishTargets.length} publishes, closing the connection, and counts each`, async () => {
    for (const topic of publishTargets) {
      const sa = await login(a)
      const closed = new Promise<void>((r) => sa.stream.once('close', () => r()))
      sa.publish(topic, FORGED, { qos: 1 }, () => undefined)
      // MQTT 3.1.1 has no negative PUBACK: the broker closes the connection [MQTT-3.3.5-2]
      await closed
      await sa.endAsync(true)
    }
    expect(await deniedMetric('publish')).toBe(publishTargets.length)
    await new Promise((r) => setTimeout(r, 200))
    expect(heardByB).toEqual([])
    expect(heardByHub).toEqual([])
  })

  const subscribeTargets = [
    ...channelNames.map((c: Channel) => stationTopic(B, c)),
    ...own('up').map((c) => stationTopic(A, c)),
    allStationsFilter('events'),
    allStationsFilter('ack'),
    `ejia/v1/station/${A}/#`,
    `ejia/v1/station/${A}/+`,
    'ejia/v1/#',
    '#',
    '+/+/+/+/+',
    `$share/g/${allStationsFilter('events')}`,
    `$share/g/${stationTopic(A, 'ack')}`,
    '$SYS/#',
  ]

  it(`answers each of ${subscribeTargets.length + 1} subscriptions with SUBACK 0x80 (or a close), and counts each`, async () => {
    const before = await deniedMetric('subscribe')
    const sa = await login(a)
    for (const filter of subscribeTargets) {
      // mqtt.js turns SUBACK 0x80 into an error carrying the packet [MQTT-3.9.3]
      const granted = await sa.subscribeAsync(filter, { qos: 1 }).then(
        (g) => g.map((x) => x.qos),
        (err: { packet?: { granted?: number[] } }) => err.packet?.granted,
      )
      expect([filter, granted]).toEqual([filter, [128]])
    }
    expect(sa.connected).toBe(true)
    // the hub's messages to B, and one as if from B: A, subscribed to nothing, hears none
    const heardByA: string[] = []
    sa.on('message', (topic) => heardByA.push(topic))
    await broker.bus.publish(stationTopic(B, 'command'), Buffer.from('for-b'), { qos: 1, retain: false })
    await broker.bus.publish(stationTopic(B, 'events'), Buffer.from('as-if-b'), { qos: 1, retain: false })
    await until('the command at B', async () =>
      heardByB.includes(`${stationTopic(B, 'command')} for-b`) ? true : undefined,
    )
    await new Promise((r) => setTimeout(r, 200))
    expect(heardByA).toEqual([])
    await sa.endAsync()

    // a malformed filter, which mqtt.js would not send: aedes closes the connection before the ACL
    const raw = connect(port, '127.0.0.1')
    await new Promise((r) => raw.once('connect', r))
    const gone = new Promise((r) => raw.once('close', r))
    raw.on('error', () => undefined)
    raw.resume() // read, so the close is seen
    raw.write(connectPacket(a.station.id, a.hub.username, a.hub.password ?? ''))
    raw.write(subscribePacket('ejia/v1/station/#/ack'))
    await gone
    expect((await deniedMetric('subscribe')) - before).toBe(subscribeTargets.length + 1)
  })

  it('still lets A use its own channels, so the refusals above were not a broken login', async () => {
    const denied = await deniedMetric('publish')
    const sa = await login(a)
    const granted = await sa.subscribeAsync(stationTopic(A, 'ack'), { qos: 1 })
    expect(granted.map((g) => g.qos)).toEqual([1])
    await sa.publishAsync(stationTopic(A, 'events'), 'own', { qos: 1 })
    await until('A’s own message at the hub', async () =>
      heardByHub.includes(`${stationTopic(A, 'events')} own`) ? true : undefined,
    )
    expect(await deniedMetric('publish')).toBe(denied)
    await sa.endAsync()
  })
})

/** MQTT 3.1.1 CONNECT, clean session, keepalive 30 s [MQTT-3.1]. */
function connectPacket(stationId: string, username: string, password: string): Buffer {
  const str = (s: string) => {
    const b = Buffer.from(s)
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b])
  }
  const body = Buffer.concat([
    str('MQTT'),
    Buffer.from([4, 0xc2, 0, 30]), // level 4; username, password, clean session; keepalive
    str(`ejia-edge-${stationId}`),
    str(username),
    str(password),
  ])
  return Buffer.concat([Buffer.from([0x10]), varint(body.length), body])
}

/** SUBSCRIBE of one filter at QoS 1, packet id 1 [MQTT-3.8]. */
function subscribePacket(filter: string): Buffer {
  const f = Buffer.from(filter)
  const body = Buffer.concat([Buffer.from([0, 1, f.length >> 8, f.length & 0xff]), f, Buffer.from([1])])
  return Buffer.concat([Buffer.from([0x82]), varint(body.length), body])
}

/** An MQTT remaining length [MQTT-2.2.3]. */
function varint(n: number): Buffer {
  const out: number[] = []
  do {
    let byte = n % 128
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    out.push(byte)
  } while (n > 0)
  return Buffer.from(out)
}

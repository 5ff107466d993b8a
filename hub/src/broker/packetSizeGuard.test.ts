import { connect, type Socket } from 'node:net'
import { PassThrough } from 'node:stream'
import { allStationsFilter, MAX_MQTT_PACKET_BYTES, stationTopic } from '@ejia/protocol'
import mqtt, { type MqttClient } from 'mqtt'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../../../test/helpers/district.js'
import { until } from '../../../test/helpers/wait.js'
import { Counters } from '../ingest/counters.js'
import { createEmbeddedBroker, type EmbeddedBroker } from './embeddedBroker.js'
import { guardPacketSize, type OversizedPacket } from './packetSizeGuard.js'
import { StationAuth } from './stationAuth.js'

/** An MQTT fixed header [MQTT-2.2]: the type and flags byte, then the remaining length. */
function fixedHeader(first: number, remaining: number): Buffer {
  const bytes = [first]
  do {
    let b = remaining % 128
    remaining = Math.floor(remaining / 128)
    if (remaining > 0) b |= 0x80
    bytes.push(b)
  } while (remaining > 0)
  return Buffer.from(bytes)
}

/** A QoS 0 PUBLISH whose packet is `total` bytes in all, its payload filled with `{`. */
function publishOf(topic: string, total: number): Buffer {
  const t = Buffer.from(topic)
  // how many bytes the remaining length takes depends on the length itself
  for (let lengthBytes = 1; lengthBytes <= 4; lengthBytes++) {
    const remaining = total - 1 - lengthBytes
    const header = fixedHeader(0x30, remaining)
    if (header.length !== 1 + lengthBytes) continue
    const payload = Buffer.alloc(remaining - 2 - t.length, 0x7b)
    return Buffer.concat([header, Buffer.from([t.length >> 8, t.length & 0xff]), t, payload])
  }
  throw new Error(`no PUBLISH of ${total} bytes`)
}

describe('guardPacketSize, on a stream', () => {
  const watch = (max: number) => {
    const conn = new PassThrough()
    const seen: OversizedPacket[] = []
    guardPacketSize(conn, max, (p) => seen.push(p))
    return { conn, seen }
  }

  it('follows packets split anywhere, and stops the first one over the limit at its header', () => {
    const { conn, seen } = watch(300)
    const packets = Buffer.concat([
      publishOf('a/b', 300), // at the limit: passes
      Buffer.from([0xc0, 0x00]), // PINGREQ, no body
      publishOf('a/b', 200), // a two-byte remaining length
      publishOf('a/b', 20),
    ])
    for (const byte of packets) conn.write(Buffer.from([byte]))
    expect(seen).toEqual([])
    conn.write(fixedHeader(0x30, 298).subarray(0, 2)) // 1 + 2 + 298 = 301: not yet whole
    expect(seen).toEqual([])
    conn.write(fixedHeader(0x30, 298).subarray(2))
    expect(seen).toEqual([{ declaredBytes: 301, bytesRead: packets.length + 3 }])
    expect(conn.destroyed).toBe(true)
  })

  it('counts the header as MQTT 5 counts a packet: 1 + length bytes + remaining', () => {
    const { conn, seen } = watch(MAX_MQTT_PACKET_BYTES)
    conn.write(fixedHeader(0x30, 10 * MAX_MQTT_PACKET_BYTES))
    // 2.6 MB takes four length bytes
    expect(seen).toEqual([{ declaredBytes: 10 * MAX_MQTT_PACKET_BYTES + 5, bytesRead: 5 }])
  })

  it('leaves a malformed length (a fifth byte) to the MQTT parser, which refuses it', () => {
    const { conn, seen } = watch(300)
    conn.write(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))
    conn.write(Buffer.alloc(1000))
    expect(seen).toEqual([])
    expect(conn.destroyed).toBe(false)
  })
})

/** Medium tier: the hub's aedes broker on an ephemeral port, real stations over TCP. */
describe('the embedded broker refuses oversized packets early', () => {
  const district = makeDistrict(2)
  const [a, b] = district.configs as [(typeof district.configs)[0], (typeof district.configs)[0]]
  const counters = new Counters()
  const lines: { msg: string; [k: string]: unknown }[] = []
  const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) })
  const heard: { topic: string; bytes: number }[] = []
  let broker: EmbeddedBroker
  let port: number
  const count = async (name: string) => (await counters.totals(async () => ({})))[name] ?? 0
  const station = (c: typeof a) =>
    mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: `ejia-edge-${c.station.id}`,
      username: c.hub.username,
      password: c.hub.password,
      protocolVersion: 4,
      reconnectPeriod: 0,
    })
  const closed = (client: MqttClient) => new Promise<void>((r) => client.stream.once('close', () => r()))
  const tooLarge = () => lines.filter((l) => l.msg.includes('over the size limit'))

  beforeAll(async () => {
    broker = await createEmbeddedBroker({ auth: new StationAuth(district.registry), counters, log })
    await broker.bus.subscribe(allStationsFilter('events'), (topic, payload) =>
      heard.push({ topic, bytes: payload.length }),
    )
    port = await broker.listen('127.0.0.1', 0)
  })
  afterAll(() => broker.close())

  it('takes a packet of exactly the limit', async () => {
    const sa = await station(a)
    const topic = stationTopic(a.station.id, 'events')
    const packet = publishOf(topic, MAX_MQTT_PACKET_BYTES)
    expect(packet.length).toBe(MAX_MQTT_PACKET_BYTES)
    sa.stream.write(packet)
    await until('the packet at the hub', async () => (heard.length > 0 ? true : undefined))
    // fixed header 1 + 3, topic length 2
    expect(heard).toEqual([{ topic, bytes: MAX_MQTT_PACKET_BYTES - 4 - 2 - topic.length }])
    expect(sa.connected).toBe(true)
    await sa.endAsync()
  })

  it('closes a station sending a publish 10× the limit after its header, and the others carry on', async () => {
    heard.length = 0
    const [sa, sb] = [await station(a), await station(b)]
    const gone = closed(sa)
    const declared = 10 * MAX_MQTT_PACKET_BYTES
    const topic = Buffer.from(stationTopic(a.station.id, 'events'))
    const remaining = declared - 1 - 4
    sa.stream.write(Buffer.concat([fixedHeader(0x30, remaining), Buffer.from([0, topic.length]), topic]))
    // the body in 64 KiB writes, each after the last drained, until the hub closes the socket
    let written = 0
    let isClosed = false
    void gone.then(() => {
      isClosed = true
    })
    const chunk = Buffer.alloc(64 * 1024, 0x7b)
    while (!isClosed && written < remaining) {
      const ok = sa.stream.write(chunk)
      written += chunk.length
      if (!ok) await Promise.race([new Promise((r) => sa.stream.once('drain', r)), gone])
    }
    await gone
    await until('the refusal logged', async () => (tooLarge().length > 0 ? true : undefined))
    const [line] = tooLarge()
    expect(line).toMatchObject({
      stationId: a.station.id,
      declaredBytes: declared,
      maxPacketBytes: MAX_MQTT_PACKET_BYTES,
    })
    // what the hub read of it: one socket read, never the 2.6 MB the header announced
    expect(line?.bytesRead).toBeLessThan(MAX_MQTT_PACKET_BYTES)
    expect(await count('denied.packetTooLarge')).toBe(1)
    expect(heard).toEqual([])

    // b was connected all along, and a logs in again at once
    await sb.publishAsync(stationTopic(b.station.id, 'events'), '{"ok":1}', { qos: 1 })
    const again = await station(a)
    await again.publishAsync(stationTopic(a.station.id, 'events'), '{"ok":2}', { qos: 1 })
    await until('both at the hub', async () => (heard.length === 2 ? true : undefined))
    expect(tooLarge()).toHaveLength(1)
    await Promise.all([sb.endAsync(), again.endAsync()])
  })

  it('cuts off an oversized CONNECT from nobody in particular, before any login', async () => {
    lines.length = 0
    const sock: Socket = connect(port, '127.0.0.1')
    await new Promise((r) => sock.once('connect', r))
    const gone = new Promise((r) => sock.once('close', r))
    sock.on('error', () => undefined) // a reset, as the hub destroys a socket it has not read out
    sock.resume() // read, so the close is seen
    sock.write(fixedHeader(0x10, 64 * 1024 * 1024))
    sock.write(Buffer.alloc(64 * 1024))
    await gone
    await until('the refusal logged', async () => (tooLarge().length > 0 ? true : undefined))
    expect(tooLarge()[0]).toMatchObject({ clientId: null, declaredBytes: 64 * 1024 * 1024 + 5 })
    expect(tooLarge()[0]?.stationId).toBeUndefined()
    expect(lines.filter((l) => l.msg === 'refused MQTT login')).toEqual([])
    expect(await count('denied.packetTooLarge')).toBe(2)
  })
})

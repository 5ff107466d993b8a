import { type HubAccount, mosquittoDynsec, readExistingSecrets } from '@ejia/firmware-config'
import { stationTopic } from '@ejia/protocol'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startMosquitto, type TestMosquitto } from '../helpers/mosquitto.js'
import { until } from '../helpers/wait.js'

const hub: HubAccount = { username: 'ejia-hub', password: 'hub-password-for-the-test-0123456789' }

/**
 * The dynamic-security config `ejia-config broker-acl` writes, loaded by a real Mosquitto:
 * stations get in with their bundle's secret and client id only, and reach only their own
 * topics; the hub's account reads every station's events on a shared subscription.
 */
describe('Mosquitto dynamic-security config from the registry', () => {
  const district = makeDistrict(3)
  const [a, b, c] = district.configs as [
    (typeof district.configs)[0],
    (typeof district.configs)[0],
    (typeof district.configs)[0],
  ]
  let broker: TestMosquitto
  const clients: MqttClient[] = []
  beforeAll(async () => {
    const registry = structuredClone(district.registry)
    const revoked = registry.stations.find((s) => s.id === c.station.id)
    if (revoked) revoked.revoked = true
    broker = await startMosquitto({
      dynsec: mosquittoDynsec(registry, readExistingSecrets(district.dir), hub),
    })
  })
  afterAll(async () => {
    await Promise.all(clients.map((x) => x.endAsync()))
    await broker?.stop()
  })

  const login = async (
    clientId: string,
    username: string,
    password: string,
    protocolVersion: 4 | 5 = 4,
  ): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(broker.url, {
      clientId,
      username,
      password,
      protocolVersion,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    })
    clients.push(client)
    return client
  }
  const station = (s: typeof a, clientId = `ejia-edge-${s.station.id}`, password = s.hub.password ?? '') =>
    login(clientId, s.hub.username, password)

  it('lets a station in with its secret and its own client id, and nobody else', async () => {
    await expect(station(a)).resolves.toBeTruthy()
    await expect(station(a, `ejia-edge-${a.station.id}`, 'wrong-secret')).rejects.toThrow(
      /Not authorized|Bad user/i,
    )
    // a's secret under b's client id: the client id is bound to the account
    await expect(station(a, `ejia-edge-${b.station.id}`)).rejects.toThrow(
      /Not authorized|Identifier rejected|Bad user/i,
    )
    // revoked in the registry: not in the config at all
    await expect(station(c)).rejects.toThrow(/Not authorized|Bad user/i)
  })

  it('gives the hub every station’s events on a shared subscription, and a station only its own topics', async () => {
    const hubClient = await login('ejia-hub-test', hub.username, hub.password, 5)
    const granted = await hubClient.subscribeAsync(`$share/ejia-hub/${stationTopic('+', 'events')}`, {
      qos: 1,
    })
    expect(granted.map((g) => g.qos)).toEqual([1])
    const seen: string[] = []
    hubClient.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`))

    const sa = await station(a)
    await sa.publishAsync(stationTopic(a.station.id, 'events'), 'own', { qos: 1 })
    await sa.publishAsync(stationTopic(b.station.id, 'events'), 'forged', { qos: 1 })
    await until('a’s own events at the hub', async () => (seen.length > 0 ? true : undefined))
    // a subscription to another station's acks is refused (SUBACK 0x80)
    await expect(sa.subscribeAsync(stationTopic(b.station.id, 'ack'), { qos: 1 })).rejects.toThrow(
      /Unspecified error|Not authorized/,
    )
    const own = await sa.subscribeAsync(stationTopic(a.station.id, 'ack'), { qos: 1 })
    expect(own.map((g) => g.qos)).toEqual([1])
    const acks: string[] = []
    sa.on('message', (topic) => acks.push(topic))
    await hubClient.publishAsync(stationTopic(a.station.id, 'ack'), '{}', { qos: 1 })
    await until('the ack at the station', async () => (acks.length > 0 ? true : undefined))
    await new Promise((r) => setTimeout(r, 200))
    expect(seen).toEqual([`${stationTopic(a.station.id, 'events')} own`])
  })

  it('refuses to write a config that would lock a station out', () => {
    const secrets = readExistingSecrets(district.dir)
    secrets.delete(b.station.id)
    expect(() => mosquittoDynsec(district.registry, secrets, hub)).toThrow(/no secret for 1 station/)
  })
})

import { type CommitAck, codecs, type Event, stationTopic } from '@ejia/protocol'
import { eventHash, type JournalKey, signHash } from '@ejia/protocol/chain'
import mqtt, { type MqttClient } from 'mqtt'
import { v7 as uuidv7 } from 'uuid'

export interface StationClient {
  client: MqttClient
  acks: CommitAck[]
  nextAck(): Promise<CommitAck>
  close(): Promise<void>
}

/** Logs in as a station with raw MQTT, to test what the hub accepts and refuses. */
export async function connectStation(
  url: string,
  stationId: string,
  password: string,
  opts: { clientId?: string; username?: string } = {},
): Promise<StationClient> {
  const client = await mqtt.connectAsync(url, {
    clientId: opts.clientId ?? `ejia-edge-${stationId}`,
    username: opts.username ?? stationId,
    password,
    reconnectPeriod: 0,
    protocolVersion: 4,
  })
  const acks: CommitAck[] = []
  const waiters: ((a: CommitAck) => void)[] = []
  client.on('message', (topic, payload) => {
    if (topic !== stationTopic(stationId, 'ack')) return
    const decoded = codecs.ack.decode(payload)
    if (!decoded.ok) throw new Error('bad ack')
    acks.push(decoded.value)
    waiters.shift()?.(decoded.value)
  })
  await client.subscribeAsync(stationTopic(stationId, 'ack'), { qos: 1 })
  return {
    client,
    acks,
    nextAck: () => new Promise((resolve) => waiters.push(resolve)),
    close: () => client.endAsync(true),
  }
}

export function checkinEvent(stationId: string, seq: number, over: Partial<Event> = {}): Event {
  return {
    id: uuidv7(),
    stationId,
    seq,
    time: new Date().toISOString(),
    type: 'checkin',
    body: { personId: `p-${seq}`, method: 'card' },
    ...over,
  } as Event
}

/** Links each event to the one before and signs it, as a kiosk's journal does (protocol/src/chain.ts). */
export function signedChain(events: readonly Event[], key: JournalKey, prev?: string): Event[] {
  let link = prev
  return events.map((e) => {
    const { sig: _, prev: _p, ...content } = e
    const linked = (link === undefined ? content : { ...content, prev: link }) as Event
    link = eventHash(linked)
    return { ...linked, sig: signHash(link, key.privateKey) } as Event
  })
}

import { MAX_MQTT_PACKET_BYTES, MAX_PAYLOAD_BYTES } from './limits.js'
import { channelNames, channels, PROTOCOL_VERSION, TOPIC_ROOT } from './topics.js'

/**
 * The AsyncAPI 3.0 description of the station protocol, from the kiosk's point of view
 * (it sends `up` channels and receives `down` ones). Generated from the same channel
 * table and schemas the code uses; `npm run docs` writes it to docs/asyncapi.json.
 */
export function buildAsyncApiDocument(): Record<string, unknown> {
  const channelDocs: Record<string, unknown> = {}
  const operations: Record<string, unknown> = {}
  const messages: Record<string, unknown> = {}
  for (const name of channelNames) {
    const c = channels[name]
    const msg = c.message
    messages[msg] = { name: msg, title: msg, summary: c.summary, payload: c.docSchema }
    channelDocs[name] = {
      address: `${TOPIC_ROOT}/station/{stationId}/${name}`,
      description: c.summary,
      parameters: { stationId: { description: '12-digit division code of the station (see StationId)' } },
      messages: { [msg]: { $ref: `#/components/messages/${msg}` } },
    }
    const action = c.direction === 'up' ? 'send' : 'receive'
    operations[`${action}${name[0]?.toUpperCase()}${name.slice(1)}`] = {
      action,
      channel: { $ref: `#/channels/${name}` },
      summary: c.summary,
      bindings: { mqtt: { qos: c.qos, retain: c.retain, bindingVersion: '0.2.0' } },
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'ejia station protocol',
      version: PROTOCOL_VERSION,
      description: [
        'MQTT contract between a station kiosk (edge agent) and the hub.',
        'Payloads are UTF-8 JSON with camelCase keys.',
        `No payload may exceed ${MAX_PAYLOAD_BYTES} bytes;`,
        `the broker closes the connection of a client that sends an MQTT packet over ${MAX_MQTT_PACKET_BYTES} bytes.`,
        'A station may publish only its own up channels and subscribe only to its own down channels.',
      ].join(' '),
    },
    defaultContentType: 'application/json',
    servers: {
      hub: {
        host: 'hub.local:1883',
        protocol: 'mqtt',
        protocolVersion: '3.1.1',
        description:
          'The hub broker; each station logs in with its own username (its station id) and secret.',
        bindings: { mqtt: { maximumPacketSize: MAX_MQTT_PACKET_BYTES, bindingVersion: '0.2.0' } },
      },
    },
    channels: channelDocs,
    operations,
    components: { messages },
  }
}

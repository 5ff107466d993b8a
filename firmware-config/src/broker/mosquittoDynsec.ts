import { pbkdf2Sync, randomBytes } from 'node:crypto'
import { type Channel, channelNames, channels, stationTopic, TOPIC_ROOT } from '@ejia/protocol'
import type { Registry } from '../schema/registry.js'

/** Mosquitto's own choice for new dynamic-security passwords (mosquitto_ctrl, 2.0). */
const PBKDF2_ITERATIONS = 101
const SALT_BYTES = 12

/** The hub's (and its ingest workers') account on the district's broker. */
export interface HubAccount {
  username: string
  password: string
  /** The ingest workers' shared-subscription group (default `ejia-hub`). */
  shareGroup?: string
}

interface DynsecAcl {
  acltype: 'publishClientSend' | 'publishClientReceive' | 'subscribePattern' | 'subscribeLiteral'
  topic: string
  priority: number
  allow: boolean
}

/** The file the dynamic-security plugin reads (plugin_opt_config_file), in its 2.0 format. */
export interface DynsecConfig {
  defaultACLAccess: Record<
    'publishClientSend' | 'publishClientReceive' | 'subscribe' | 'unsubscribe',
    boolean
  >
  clients: {
    username: string
    clientid?: string
    textname: string
    password: string
    salt: string
    iterations: number
    roles: { rolename: string }[]
  }[]
  groups: never[]
  roles: { rolename: string; textname: string; acls: DynsecAcl[] }[]
}

export const HUB_ROLE = 'ejia-hub'

/**
 * mosquitto.conf lines for a broker that carries a district (docs/SCALING.md). With
 * Mosquitto's defaults a burst from thousands of kiosks at once overflows the ingest
 * workers' queues (max_queued_messages 1000: QoS 1 messages dropped, sent again by the
 * kiosks only after their ack timeout), and 20 messages in flight per worker with Nagle's
 * algorithm on halve the rate (bench/broker.ts, bench/hubIngest.ts).
 */
export const MOSQUITTO_EJIA_SETTINGS = [
  '# kiosks send batches of up to 256 KiB',
  'max_packet_size 1048576',
  '# a burst of every kiosk at once is queued for the workers, not dropped',
  'max_queued_messages 1000000',
  'max_inflight_messages 1000',
  'set_tcp_nodelay true',
] as const

function hashed(password: string): { password: string; salt: string; iterations: number } {
  const salt = randomBytes(SALT_BYTES)
  const hash = pbkdf2Sync(password, salt, PBKDF2_ITERATIONS, 64, 'sha512')
  return { password: hash.toString('base64'), salt: salt.toString('base64'), iterations: PBKDF2_ITERATIONS }
}

/** What one station may do: publish its own up channels, subscribe to its own down channels. */
export function stationAcls(stationId: string): DynsecAcl[] {
  const acl = (acltype: DynsecAcl['acltype'], channel: Channel): DynsecAcl => ({
    acltype,
    topic: stationTopic(stationId, channel),
    priority: 0,
    allow: true,
  })
  return channelNames.flatMap((c) =>
    channels[c].direction === 'up'
      ? [acl('publishClientSend', c)]
      : [acl('subscribeLiteral', c), acl('publishClientReceive', c)],
  )
}

/**
 * Mosquitto's dynamic-security config for the district (docs/SCALING.md, "Broker ACLs"):
 * each registered station that is not revoked logs in with its bundle's secret and its
 * `ejia-edge-<id>` client id and gets a role with the ACLs of the protocol's channel table;
 * the hub account may read and write every station topic (its ingest workers subscribe
 * with `$share/…`). Everything else is denied. The plugin keeps only PBKDF2 hashes.
 */
export function mosquittoDynsec(
  registry: Registry,
  secrets: ReadonlyMap<string, string>,
  hub: HubAccount,
): DynsecConfig {
  const active = registry.stations.filter((s) => s.revoked !== true)
  const missing = active.filter((s) => !secrets.has(s.id)).map((s) => s.id)
  if (missing.length > 0)
    throw new RangeError(
      `no secret for ${missing.length} station(s) (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}): pass the provisioning bundle they were issued in`,
    )
  const all = `${TOPIC_ROOT}/#`
  return {
    defaultACLAccess: {
      publishClientSend: false,
      publishClientReceive: true,
      subscribe: false,
      unsubscribe: true,
    },
    clients: [
      {
        username: hub.username,
        textname: 'ejia hub',
        ...hashed(hub.password),
        roles: [{ rolename: HUB_ROLE }],
      },
      ...active.map((s) => ({
        username: s.auth.username,
        clientid: `ejia-edge-${s.id}`,
        textname: `${s.townCode} ${s.name}`,
        ...hashed(secrets.get(s.id) as string),
        roles: [{ rolename: `station-${s.id}` }],
      })),
    ],
    groups: [],
    roles: [
      {
        rolename: HUB_ROLE,
        textname: 'ejia hub and its ingest workers',
        acls: [
          { acltype: 'publishClientSend', topic: all, priority: 0, allow: true },
          { acltype: 'publishClientReceive', topic: all, priority: 0, allow: true },
          { acltype: 'subscribePattern', topic: all, priority: 0, allow: true },
          // Mosquitto checks a shared subscription with its $share/<group>/ prefix
          {
            acltype: 'subscribePattern',
            topic: `$share/${hub.shareGroup ?? 'ejia-hub'}/${all}`,
            priority: 0,
            allow: true,
          },
        ],
      },
      ...active.map((s) => ({ rolename: `station-${s.id}`, textname: s.name, acls: stationAcls(s.id) })),
    ],
  }
}

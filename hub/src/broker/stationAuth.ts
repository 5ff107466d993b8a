import { createHash, timingSafeEqual } from 'node:crypto'
import type { Registry } from '@ejia/firmware-config'
import { type Channel, channels, parseStationTopic } from '@ejia/protocol'

export type AuthDenial = 'unknownUser' | 'badSecret' | 'badClientId'

/** The MQTT client id a station must use; binding it to the login stops one station from
 * taking over another's session (a second CONNECT with a client id kicks the first). */
export const stationClientId = (stationId: string): string => `ejia-edge-${stationId}`

/**
 * Who may connect, and what each station may publish and read. Stations log in with the
 * secret issued at provisioning; the registry holds only its SHA-256.
 */
export class StationAuth {
  private readonly byUsername = new Map<string, { stationId: string; secretSha256: Buffer }>()
  private readonly stationIds = new Set<string>()

  constructor(registry: Registry) {
    for (const s of registry.stations) {
      this.stationIds.add(s.id)
      this.byUsername.set(s.auth.username, {
        stationId: s.id,
        secretSha256: Buffer.from(s.auth.secretSha256, 'hex'),
      })
    }
  }

  /** Returns the station id on success, or why the login is refused. */
  authenticate(
    clientId: string,
    username: string | undefined,
    password: Buffer | undefined,
  ): { ok: true; stationId: string } | { ok: false; reason: AuthDenial } {
    const entry = username === undefined ? undefined : this.byUsername.get(username)
    if (!entry) return { ok: false, reason: 'unknownUser' }
    const given = createHash('sha256')
      .update(password ?? Buffer.alloc(0))
      .digest()
    if (!timingSafeEqual(given, entry.secretSha256)) return { ok: false, reason: 'badSecret' }
    if (clientId !== stationClientId(entry.stationId)) return { ok: false, reason: 'badClientId' }
    return { ok: true, stationId: entry.stationId }
  }

  /**
   * The registered station a login names, refused or not: by its username, else by an
   * `ejia-edge-<id>` client id. Lets repeated denials be laid at a station's door.
   */
  stationNamed(clientId: string, username: string | undefined): string | undefined {
    const byUser = username === undefined ? undefined : this.byUsername.get(username)?.stationId
    if (byUser !== undefined) return byUser
    const prefix = stationClientId('')
    if (!clientId.startsWith(prefix)) return undefined
    const id = clientId.slice(prefix.length)
    return this.stationIds.has(id) ? id : undefined
  }

  /** A station publishes only its own `up` channels. */
  mayPublish(stationId: string, topic: string): boolean {
    return this.ownChannel(stationId, topic, 'up')
  }

  /** A station reads only its own `down` channels (no wildcards). */
  maySubscribe(stationId: string, filter: string): boolean {
    return this.ownChannel(stationId, filter, 'down')
  }

  private ownChannel(stationId: string, topic: string, direction: 'up' | 'down'): boolean {
    const parsed = parseStationTopic(topic)
    return parsed?.stationId === stationId && channels[parsed.channel as Channel].direction === direction
  }
}

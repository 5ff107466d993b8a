import { createHash, timingSafeEqual } from 'node:crypto'
import type { Registry } from '@ejia/firmware-config'
import { type Channel, channels, parseStationTopic } from '@ejia/protocol'

export type AuthDenial = 'unknownUser' | 'badSecret' | 'badClientId' | 'revoked' | 'badCertificate'

/**
 * The client certificate a TLS login came with (already verified against the district CA
 * by the TLS layer), or null for a plain connection or an HTTP upload.
 */
export interface PeerCertificate {
  cn: string | undefined
  /** Hex, any case, leading zeros or not. */
  serial: string
}

const normalizeSerial = (hex: string) => hex.toLowerCase().replace(/^0+/, '')

/** The MQTT client id a station must use; binding it to the login stops one station from
 * taking over another's session (a second CONNECT with a client id kicks the first). */
export const stationClientId = (stationId: string): string => `ejia-edge-${stationId}`

/** SHA-256 of a station secret, hex: what the registry and the hub's database hold. */
export const secretSha256 = (secret: string | Buffer): string =>
  createHash('sha256').update(secret).digest('hex')

/** A new secret sent to a kiosk by `rotateCredentials`, not yet in force. */
export interface PendingSecret {
  sha256: string
  commandId: string
  /** After this it is no longer accepted, and the old secret stays. */
  expiresAt: number
}

/**
 * Where a station's secret stands (docs/OPERATIONS.md, "Rotating a station's secret"):
 * `registry`: the provisioned secret; `rotated`: a secret from a rotation, kept in the
 * hub's database, which overrides the registry's. Either may have a `pending` one beside it.
 */
export interface SecretState {
  source: 'registry' | 'rotated'
  pending: { commandId: string; expiresAt: number } | null
}

interface Login {
  stationId: string
  registrySha256: Buffer
  current: Buffer
  source: SecretState['source']
  pending: (Omit<PendingSecret, 'sha256'> & { sha256: Buffer }) | undefined
  /** The serial its certificate must have (registry `auth.certSerial`), when pinned. */
  certSerial: string | undefined
}

export interface StationAuthOptions {
  now?: () => number
  /**
   * A login with a station's pending secret made it current (and retired the one before);
   * the caller keeps that in the database. Called for MQTT and HTTP logins alike.
   */
  onPromoted?: (stationId: string, commandId: string) => void
}

/**
 * Who may connect, and what each station may publish and read. Stations log in with the
 * secret issued at provisioning, or the one a rotation gave them; only SHA-256 hashes are
 * held. While a rotation is pending both the current and the pending secret are accepted:
 * the first login with the pending one makes it current, and the old one is refused from
 * then on. So a kiosk holding either secret can always log in.
 */
export class StationAuth {
  private readonly byUsername = new Map<string, Login>()
  private readonly byStation = new Map<string, Login>()
  private readonly now: () => number
  /** Refused whatever they show, until unrevoked (docs/OPERATIONS.md, "Revoking a station"). */
  private readonly revoked = new Set<string>()

  constructor(
    registry: Registry,
    private readonly opts: StationAuthOptions = {},
  ) {
    this.now = opts.now ?? Date.now
    for (const s of registry.stations) {
      const hash = Buffer.from(s.auth.secretSha256, 'hex')
      const login: Login = {
        stationId: s.id,
        registrySha256: hash,
        current: hash,
        source: 'registry',
        pending: undefined,
        certSerial: s.auth.certSerial === undefined ? undefined : normalizeSerial(s.auth.certSerial),
      }
      this.byUsername.set(s.auth.username, login)
      this.byStation.set(s.id, login)
      if (s.revoked === true) this.revoked.add(s.id)
    }
  }

  revoke(stationId: string): void {
    this.revoked.add(stationId)
  }

  unrevoke(stationId: string): void {
    this.revoked.delete(stationId)
  }

  isRevoked(stationId: string): boolean {
    return this.revoked.has(stationId)
  }

  has(stationId: string): boolean {
    return this.byStation.has(stationId)
  }

  /**
   * Returns the station id on success (and which secret it used), or why the login is
   * refused. Over TLS (`peer` given) the certificate must also name the station (CN) and,
   * when the registry pins one, carry its serial: the secret and the key both have to leak.
   */
  authenticate(
    clientId: string,
    username: string | undefined,
    password: Buffer | undefined,
    peer: PeerCertificate | null = null,
  ): { ok: true; stationId: string; secret: 'current' | 'pending' } | { ok: false; reason: AuthDenial } {
    const entry = username === undefined ? undefined : this.byUsername.get(username)
    if (!entry) return { ok: false, reason: 'unknownUser' }
    const given = createHash('sha256')
      .update(password ?? Buffer.alloc(0))
      .digest()
    const pending = entry.pending && entry.pending.expiresAt > this.now() ? entry.pending : undefined
    // both compared every time, so the answer takes as long whichever matches
    const isCurrent = timingSafeEqual(given, entry.current)
    const isPending = pending !== undefined && timingSafeEqual(given, pending.sha256)
    if (!isCurrent && !isPending) return { ok: false, reason: 'badSecret' }
    if (this.revoked.has(entry.stationId)) return { ok: false, reason: 'revoked' }
    if (clientId !== stationClientId(entry.stationId)) return { ok: false, reason: 'badClientId' }
    if (peer !== null) {
      if (peer.cn !== entry.stationId) return { ok: false, reason: 'badCertificate' }
      if (entry.certSerial !== undefined && normalizeSerial(peer.serial) !== entry.certSerial) {
        return { ok: false, reason: 'badCertificate' }
      }
    }
    if (isPending && !isCurrent) {
      this.promote(entry.stationId, pending.commandId)
      this.opts.onPromoted?.(entry.stationId, pending.commandId)
      return { ok: true, stationId: entry.stationId, secret: 'pending' }
    }
    return { ok: true, stationId: entry.stationId, secret: 'current' }
  }

  /** The registry's hash of a station's secret (hex), whatever is in force now. */
  registrySha256(stationId: string): string | undefined {
    return this.byStation.get(stationId)?.registrySha256.toString('hex')
  }

  secretState(stationId: string): SecretState | undefined {
    const entry = this.byStation.get(stationId)
    if (!entry) return undefined
    const p = entry.pending
    return {
      source: entry.source,
      pending: p && p.expiresAt > this.now() ? { commandId: p.commandId, expiresAt: p.expiresAt } : null,
    }
  }

  /** A rotated secret from the hub's database, in force over the registry's. */
  useRotated(stationId: string, sha256: string): void {
    const entry = this.byStation.get(stationId)
    if (!entry) return
    entry.current = Buffer.from(sha256, 'hex')
    entry.source = 'rotated'
  }

  /** Accepts `pending` beside the current secret until it expires, replacing any other pending one. */
  setPending(stationId: string, pending: PendingSecret): void {
    const entry = this.byStation.get(stationId)
    if (!entry) throw new Error(`no station ${stationId}`)
    entry.pending = { ...pending, sha256: Buffer.from(pending.sha256, 'hex') }
  }

  /** The pending secret of that command becomes current; the old one is refused from now on. */
  promote(stationId: string, commandId: string): boolean {
    const entry = this.byStation.get(stationId)
    if (!entry?.pending || entry.pending.commandId !== commandId) return false
    entry.current = entry.pending.sha256
    entry.source = 'rotated'
    entry.pending = undefined
    return true
  }

  /** Forgets the pending secret of that command (failed or expired); the current one stays. */
  discardPending(stationId: string, commandId: string): boolean {
    const entry = this.byStation.get(stationId)
    if (!entry?.pending || entry.pending.commandId !== commandId) return false
    entry.pending = undefined
    return true
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
    return this.byStation.has(id) ? id : undefined
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

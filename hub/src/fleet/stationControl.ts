import { randomBytes } from 'node:crypto'
import {
  type CommandName,
  codecs,
  type Heartbeat,
  parseStationTopic,
  remoteVersionOf,
  stationTopic,
} from '@ejia/protocol'
import type { Logger } from 'pino'
import type { MessageBus } from '../broker/bus.js'
import type { Counters } from '../ingest/counters.js'
import type { ControlStore, DesiredConfig, StationCommand } from '../storage/controlStore.js'
import type { CredentialRotation } from './credentialRotation.js'

/** A command not answered after this long is sent again on the station's next heartbeat. */
const RESEND_AFTER_MS = 30_000

/**
 * The hub's side of remote config and commands. A config push becomes a new version per
 * station, stored and then published retained, so a kiosk offline now gets it when it next
 * subscribes; after a hub restart every station's latest is published again (the embedded
 * broker keeps retained messages in memory only). Commands are not retained: one that has
 * no answer yet is sent again on the station's heartbeats until it expires, and the kiosk
 * answers a repeat without running it twice.
 */
export class StationControl {
  private readonly heartbeatVersion = new Map<string, number>()
  /** Stations with a command not answered yet: only their heartbeats look in the database. */
  private readonly open = new Set<string>()

  constructor(
    private readonly deps: {
      store: ControlStore
      bus: MessageBus
      counters: Counters
      log: Logger
      now: () => number
      /** `rotateCredentials`: the new secret, its pending state and its promotion. */
      rotation?: CredentialRotation
    },
  ) {}

  /** Publishes each station's desired config again (retained); at start-up. */
  async republish(): Promise<number> {
    for (const c of await this.deps.store.commands({ state: 'pending', limit: 100_000 }))
      this.open.add(c.stationId)
    const configs = await this.deps.store.desiredConfigs()
    for (const c of configs) await this.publishConfig(c)
    return configs.length
  }

  async pushConfig(
    stationIds: readonly string[],
    settings: Record<string, unknown>,
    by: string,
    target: unknown,
  ): Promise<DesiredConfig[]> {
    const configs = await this.deps.store.pushConfig(stationIds, settings, by, this.deps.now(), target)
    for (const c of configs) await this.publishConfig(c)
    this.deps.log.info({ by, target, stations: configs.length }, 'config pushed')
    return configs
  }

  async issue(
    stationIds: readonly string[],
    name: CommandName,
    args: Record<string, unknown>,
    by: string,
    ttlMs: number,
  ): Promise<StationCommand[]> {
    const now = this.deps.now()
    const commands = await this.deps.store.issueCommands(
      stationIds.map((stationId) => ({
        commandId: uuidv7(now),
        stationId,
        name,
        args,
        expiresAt: now + ttlMs,
      })),
      by,
      now,
    )
    for (const c of commands) {
      // the new secret is pending (accepted at login) before the kiosk can hear of it
      if (name === 'rotateCredentials') await this.deps.rotation?.begin(c.stationId, c.commandId, c.expiresAt)
      this.open.add(c.stationId)
      await this.publishCommand(c)
    }
    this.deps.log.info({ by, name, stations: commands.length }, 'command issued')
    return commands
  }

  /** Stations among these with a secret rotation pending; a second one must wait. */
  rotationPending(stationIds: readonly string[]): string[] {
    return this.deps.rotation?.pendingAmong(stationIds) ?? []
  }

  handleConfigState(topic: string, payload: Buffer): void {
    const stationId = parseStationTopic(topic)?.stationId
    // an empty retained message clears the topic; nothing to record
    if (stationId === undefined || payload.byteLength === 0) return
    const decoded = codecs.configState.decode(payload)
    if (!decoded.ok) return this.refused(stationId, 'configState', decoded.errors)
    if (decoded.value.state === 'rejected') {
      this.deps.log.warn(
        { stationId, version: decoded.value.desiredVersion, problems: decoded.value.problems },
        'a kiosk rejected its config',
      )
    }
    this.deps.store
      .recordConfigState(stationId, decoded.value, this.deps.now())
      .catch((err: unknown) => this.deps.log.error({ err, stationId }, 'config state not saved'))
  }

  handleCommandResult(topic: string, payload: Buffer): void {
    const stationId = parseStationTopic(topic)?.stationId
    if (stationId === undefined) return
    const decoded = codecs.commandResult.decode(payload)
    if (!decoded.ok) return this.refused(stationId, 'commandResult', decoded.errors)
    const r = decoded.value
    this.deps.rotation
      ?.onResult(stationId, r)
      .catch((err: unknown) => this.deps.log.error({ err, stationId }, 'rotation answer not saved'))
    this.deps.store.recordCommandResult(stationId, r, this.deps.now()).then(
      (changed) => {
        if (changed)
          this.deps.log.info(
            { stationId, commandId: r.commandId, state: r.state, detail: r.detail },
            'command answered',
          )
      },
      (err: unknown) => this.deps.log.error({ err, stationId }, 'command result not saved'),
    )
  }

  /** Every heartbeat: note the config version it names, and resend unanswered commands. */
  onHeartbeat(stationId: string, hb: Heartbeat): void {
    const version = remoteVersionOf(hb.versions.config)
    const now = this.deps.now()
    if (this.heartbeatVersion.get(stationId) !== version) {
      this.heartbeatVersion.set(stationId, version)
      this.deps.store
        .recordHeartbeatConfig(stationId, version, now)
        .catch((err: unknown) => this.deps.log.warn({ err, stationId }, 'heartbeat config version not saved'))
    }
    if (this.open.has(stationId))
      void this.resend(stationId, now).catch((err: unknown) =>
        this.deps.log.warn({ err, stationId }, 'resending commands failed'),
      )
  }

  private async resend(stationId: string, now: number): Promise<void> {
    const unanswered = await this.deps.store.unanswered(stationId, now)
    if (unanswered.length === 0) this.open.delete(stationId)
    // a rotation whose secret a restarted hub no longer holds cannot be sent again: it expires
    const due = unanswered.filter(
      (c) =>
        now - c.sentAt >= RESEND_AFTER_MS &&
        (c.name !== 'rotateCredentials' || this.deps.rotation?.wireArgs(c.commandId, c.args) !== undefined),
    )
    if (due.length === 0) return
    await this.deps.store.markResent(
      due.map((c) => c.commandId),
      now,
    )
    for (const c of due) await this.publishCommand(c)
  }

  private publishConfig(c: DesiredConfig): Promise<void> {
    const payload = codecs.config.encode({
      version: c.version,
      issuedAt: new Date(c.issuedAt).toISOString(),
      issuedBy: c.issuedBy,
      settings: c.settings,
    })
    return this.deps.bus.publish(stationTopic(c.stationId, 'config'), payload, { qos: 1, retain: true })
  }

  private async publishCommand(c: StationCommand): Promise<void> {
    let args = c.args
    if (c.name === 'rotateCredentials') {
      // the secret travels only on the wire, never in the command's stored args
      const wire = this.deps.rotation?.wireArgs(c.commandId, c.args)
      if (wire === undefined) {
        this.deps.log.warn(
          { stationId: c.stationId, commandId: c.commandId },
          'rotation has no secret to send',
        )
        return
      }
      args = wire
    }
    const payload = codecs.command.encode({
      commandId: c.commandId,
      name: c.name,
      args,
      issuedAt: new Date(c.issuedAt).toISOString(),
      expiresAt: new Date(c.expiresAt).toISOString(),
    })
    await this.deps.bus.publish(stationTopic(c.stationId, 'command'), payload, { qos: 1, retain: false })
  }

  private refused(stationId: string, channel: string, errors: { code: string; message: string }[]): void {
    this.deps.counters.bump(`rejected.${errors[0]?.code ?? 'schema'}`)
    this.deps.log.warn({ stationId, channel, errors: errors.slice(0, 5) }, `refused a ${channel} message`)
  }
}

/** A UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, the version, then random bits. */
export function uuidv7(ms: number): string {
  const b = randomBytes(16)
  b.writeUIntBE(ms, 0, 6)
  b[6] = 0x70 | ((b[6] as number) & 0x0f)
  b[8] = 0x80 | ((b[8] as number) & 0x3f)
  const h = b.toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

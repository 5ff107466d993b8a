import { randomBytes } from 'node:crypto'
import type { CommandResult } from '@ejia/protocol'
import type { Logger } from 'pino'
import { type StationAuth, secretSha256 } from '../broker/stationAuth.js'
import type { ControlStore } from '../storage/controlStore.js'
import type { CredentialStore } from '../storage/credentialStore.js'

/**
 * How long past its command's expiry a pending secret is still accepted: a kiosk that got
 * the command just before it expired still has time to write the secret and log in with it.
 */
export const PENDING_GRACE_MS = 10 * 60_000
const SWEEP_EVERY_MS = 60_000

/**
 * The hub's side of `rotateCredentials`, in two phases (docs/OPERATIONS.md, "Rotating a
 * station's secret"). Issuing makes a new 256-bit secret, keeps its SHA-256 in the database
 * as the station's pending secret and sends the secret itself on the station's own command
 * topic. StationAuth accepts the current and the pending secret; the first login with the
 * pending one (MQTT or a photo upload) makes it current and retires the old one. A failed,
 * refused or expired rotation discards the pending secret and the old one stays.
 *
 * The secret is held in memory only, to send the command again while the kiosk has not
 * answered: the database never holds a secret. A hub restarted before the kiosk got it
 * cannot send it again; the pending hash stays accepted until it expires, so a kiosk that
 * did get it still logs in with it.
 */
export class CredentialRotation {
  private readonly secrets = new Map<string, string>()
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly deps: {
      auth: StationAuth
      store: CredentialStore
      control: ControlStore
      log: Logger
      now: () => number
    },
  ) {}

  /**
   * At start-up: rotated secrets override the registry's, unless the registry has re-issued
   * the station's secret since (a different hash than when the rotation was made: provisioning
   * again with a fresh secret wins). Pending secrets not yet expired are accepted again.
   */
  async load(): Promise<void> {
    const { auth, store, log } = this.deps
    for (const r of await store.records()) {
      const registry = auth.registrySha256(r.stationId)
      if (registry === undefined) continue // retired: it cannot log in anyway
      if (registry !== r.registrySha256) {
        await store.forget(r.stationId)
        log.warn(
          { stationId: r.stationId },
          'the registry re-issued this station’s secret: the rotated one is dropped, the registry’s is in force',
        )
        continue
      }
      if (r.currentSha256 !== null) auth.useRotated(r.stationId, r.currentSha256)
      if (r.pending) auth.setPending(r.stationId, r.pending)
    }
    await this.sweep()
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => log.warn({ err }, 'expiring pending secrets failed'))
    }, SWEEP_EVERY_MS).unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  /** Stations among these with a rotation pending: a second one waits until the first ends. */
  pendingAmong(stationIds: readonly string[]): string[] {
    return stationIds.filter((id) => this.deps.auth.secretState(id)?.pending)
  }

  /** Makes the station's new secret and keeps it pending; before the command is published. */
  async begin(stationId: string, commandId: string, commandExpiresAt: number): Promise<void> {
    const { auth, store, log } = this.deps
    const secret = randomBytes(32).toString('base64url')
    const pending = {
      sha256: secretSha256(secret),
      commandId,
      expiresAt: commandExpiresAt + PENDING_GRACE_MS,
    }
    await store.setPending(stationId, auth.registrySha256(stationId) as string, pending)
    auth.setPending(stationId, pending)
    this.secrets.set(commandId, secret)
    log.info({ stationId, commandId }, 'new station secret pending')
  }

  /** The command's arguments on the wire, with the secret; undefined if the hub no longer holds it. */
  wireArgs(commandId: string, args: Record<string, unknown>): Record<string, unknown> | undefined {
    const secret = this.secrets.get(commandId)
    return secret === undefined ? undefined : { ...args, secret }
  }

  /** StationAuth saw the first login with the pending secret: keep it as the station's secret. */
  onPromoted(stationId: string, commandId: string): void {
    this.secrets.delete(commandId)
    const { store, control, log, now } = this.deps
    const at = now()
    void (async () => {
      await store.promote(stationId, commandId, at)
      await control.recordCommandResult(
        stationId,
        {
          commandId,
          state: 'succeeded',
          detail: 'the kiosk logged in with its new secret; the old one is retired',
          at: new Date(at).toISOString(),
        },
        at,
      )
      log.info({ stationId, commandId }, 'station secret rotated; the old one is retired')
    })().catch((err: unknown) =>
      // the database still says pending: the next login with the new secret promotes it again
      log.error({ err, stationId, commandId }, 'rotated secret not saved'),
    )
  }

  /** A kiosk's answer to a rotation: success promotes (if no login did yet), any failure discards. */
  async onResult(stationId: string, r: CommandResult): Promise<void> {
    const { auth, store, log, now } = this.deps
    if (auth.secretState(stationId)?.pending?.commandId !== r.commandId) return
    if (r.state === 'accepted') return
    if (r.state === 'succeeded') {
      if (auth.promote(stationId, r.commandId)) {
        this.secrets.delete(r.commandId)
        await store.promote(stationId, r.commandId, now())
        log.info({ stationId, commandId: r.commandId }, 'station secret rotated; the old one is retired')
      }
      return
    }
    auth.discardPending(stationId, r.commandId)
    this.secrets.delete(r.commandId)
    await store.discardPending(stationId, r.commandId)
    log.warn(
      { stationId, commandId: r.commandId, state: r.state, detail: r.detail },
      'rotation did not complete; the old secret stays',
    )
  }

  /** Pending secrets past their expiry are discarded and their commands fail; the old secret stays. */
  async sweep(): Promise<void> {
    const { auth, store, control, log, now } = this.deps
    const at = now()
    for (const { stationId, commandId } of await store.expirePending(at)) {
      auth.discardPending(stationId, commandId)
      this.secrets.delete(commandId)
      await control.recordCommandResult(
        stationId,
        {
          commandId,
          state: 'failed',
          detail: 'the kiosk did not log in with its new secret before it expired; the old secret stays',
          at: new Date(at).toISOString(),
        },
        at,
      )
      log.warn({ stationId, commandId }, 'pending station secret expired; the old secret stays')
    }
  }
}

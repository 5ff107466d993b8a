import {
  type Command,
  type CommandName,
  type CommandResult,
  type CommandState,
  type ConfigProblem,
  type ConfigPush,
  type ConfigState,
  commandArgs,
  type FACE_DELETE_REQUESTS,
  toWireErrors,
} from '@ejia/protocol'
import type { Logger } from 'pino'
import { Compile } from 'typebox/compile'
import type { Clock } from '../ports/clock.js'
import type { RemoteSettingsStore, StoredSettings } from '../ports/remoteSettings.js'
import type { Agent, ControlHandlers } from './agent.js'

type Link = Parameters<ControlHandlers['onConnect']>[0]

export type SettingsCheck<C> = { ok: true; config: C } | { ok: false; problems: ConfigProblem[] }

type FaceDeleteRequest = (typeof FACE_DELETE_REQUESTS)[number]

export interface RemoteControlDeps<C> {
  clock: Clock
  log: Logger
  store: RemoteSettingsStore
  /** The provisioned config alone, to fall back on. */
  base: C
  /** Checks settings against the provisioned config and this machine. */
  check(settings: unknown): SettingsCheck<C>
  /** Stops the agent and starts it again, on `config` (undefined: the one it runs on). */
  restart(config?: C): Promise<void>
  /** The agent running now (a new one after each restart). */
  agent(): Agent
  /**
   * `rotateCredentials`: keeps `secret` in the station config file and logs in with it,
   * resolving with what happened, or throwing back on the old secret. Absent on a kiosk
   * started without its config file: the command is then refused.
   */
  rotateCredentials?(secret: string): Promise<string>
  /**
   * `upgradeAgent`: fetches and checks the release and hands it to `ejia-upgrade`, which
   * restarts the agent; resolves with undefined when the final answer comes later, through
   * `report` from the agent then running (docs/OPERATIONS.md, "Agent upgrades"). Absent:
   * the command is refused.
   */
  upgradeAgent?(
    commandId: string,
    args: { version: string; url: string; sha256: string },
  ): Promise<string | undefined>
  /**
   * `forgetFace`: deletes a person's face template as `ejia-face forget` does, with the
   * checks after it, journalled as `face.deleted` by `requestedBy`; resolves with the
   * receipt's summary, or throws when the checks fail or the kiosk has no face check-in.
   */
  forgetFace?(personId: string, requestedBy: string, reason: FaceDeleteRequest): Promise<string>
}

const argValidators = Object.fromEntries(
  Object.entries(commandArgs).map(([name, schema]) => [name, Compile(schema)]),
) as Record<CommandName, ReturnType<typeof Compile>>

/** Answers kept to repeat when a command arrives twice (QoS 1 may deliver it again). */
const REMEMBERED_COMMANDS = 200
const PUBLISH_TIMEOUT_MS = 10_000
const RETRY_SEND_MS = 5000

/**
 * The kiosk's side of remote config and commands (docs/OPERATIONS.md, "Remote config and
 * commands"). It outlives the agent: applying a config or `restartAgent` restarts the
 * agent in-process, and what the hub must hear (the config state, command results) waits
 * here until the new agent's uplink is connected.
 */
export class RemoteControl<C> implements ControlHandlers {
  private link: Link | undefined
  private state: ConfigState | undefined
  private applied: number
  private readonly unsent: CommandResult[] = []
  private readonly answered = new Map<string, CommandResult>()
  private work: Promise<unknown> = Promise.resolve()
  private flushing = false

  constructor(
    private readonly deps: RemoteControlDeps<C>,
    /** The remote settings the agent started on, if any. */
    applied: StoredSettings | undefined,
  ) {
    this.applied = applied?.version ?? 0
    if (applied) this.state = this.stateOf(applied.version, 'applied')
  }

  get appliedVersion(): number {
    return this.applied
  }

  get configState(): ConfigState | undefined {
    return this.state
  }

  onConnect(link: Link): void {
    this.link = link
    this.publishState()
    this.flush()
  }

  onDisconnect(): void {
    this.link = undefined
  }

  onConfig(push: ConfigPush): void {
    this.enqueue(() => this.applyConfig(push))
  }

  onCommand(command: Command): void {
    const seen = this.answered.get(command.commandId)
    if (seen) {
      // delivered again: say again where it stands, do not run it twice
      this.answer(command.commandId, seen.state, seen.detail)
      return
    }
    if (this.deps.clock.now() > Date.parse(command.expiresAt)) {
      this.answer(command.commandId, 'expired', `arrived after it expired at ${command.expiresAt}`)
      return
    }
    const name = command.name as CommandName
    if (!Object.hasOwn(commandArgs, name)) {
      this.answer(command.commandId, 'rejected', `unknown command ${command.name}`)
      return
    }
    const validator = argValidators[name]
    if (!validator.Check(command.args)) {
      const errors = toWireErrors(validator.Errors(command.args), '/args')
      this.answer(command.commandId, 'rejected', errors.map((e) => `${e.path}: ${e.message}`).join('; '))
      return
    }
    if (name === 'upgradeAgent' && !this.deps.upgradeAgent) {
      this.answer(command.commandId, 'rejected', 'this kiosk does not take agent upgrades')
      return
    }
    if (name === 'rotateCredentials' && !this.deps.rotateCredentials) {
      // the hub discards the pending secret on this answer: the old one stays in force
      this.answer(
        command.commandId,
        'rejected',
        'this kiosk was started without its station config file (ejia-edge --config), so it cannot keep a new secret',
      )
      return
    }
    this.answer(command.commandId, 'accepted')
    this.enqueue(async () => {
      try {
        const detail = await this.run(name, command.args, command.commandId)
        if (detail !== undefined) this.answer(command.commandId, 'succeeded', detail)
      } catch (err) {
        this.deps.log.warn({ err, command: name }, 'command failed')
        this.answer(command.commandId, 'failed', (err as Error).message.slice(0, 500))
      }
    })
  }

  /**
   * The final answer to a command an earlier run of the agent accepted (an upgrade, which
   * restarts the process): sent once the uplink is connected.
   */
  report(commandId: string, state: 'succeeded' | 'failed', detail: string): void {
    this.answer(commandId, state, detail)
  }

  /** Waits for the work in hand (a config being applied, a command running). */
  async idle(): Promise<void> {
    await this.work
  }

  private async run(
    name: CommandName,
    args: Record<string, unknown>,
    commandId: string,
  ): Promise<string | undefined> {
    switch (name) {
      case 'restartAgent':
        await this.deps.restart()
        return 'agent restarted in-process: journal, uplink, devices and local API reopened'
      case 'resyncRoster': {
        const got = await this.deps.agent().resyncRoster()
        return `full roster version ${got.version} applied: ${got.people} people`
      }
      case 'rotateCredentials':
        return await (this.deps.rotateCredentials as (secret: string) => Promise<string>)(
          args.secret as string,
        )
      case 'reupload': {
        const { fromSeq: asked, skipPruned } = args as { fromSeq: number; skipPruned?: boolean }
        const { requeued, fromSeq } = await this.deps.agent().reupload(asked, { skipPruned })
        const lost =
          fromSeq > asked
            ? `; seq ${asked} to ${fromSeq - 1} were pruned by retention and cannot be sent`
            : ''
        return `${requeued} events from seq ${fromSeq} queued to send again${lost}`
      }
      case 'forgetFace': {
        if (!this.deps.forgetFace) throw new Error('face check-in is not enabled on this kiosk')
        const { personId, reason } = args as { personId: string; reason: FaceDeleteRequest }
        // the hub's command log names the operator who sent it
        return await this.deps.forgetFace(personId, `hub:${commandId}`, reason)
      }
      case 'upgradeAgent':
        return await (this.deps.upgradeAgent as NonNullable<RemoteControlDeps<C>['upgradeAgent']>)(
          commandId,
          args as { version: string; url: string; sha256: string },
        )
      default:
        throw new Error(`${name} has no handler`)
    }
  }

  private async applyConfig(push: ConfigPush): Promise<void> {
    const { log, store } = this.deps
    if (push.version <= this.applied) {
      // the retained push again (every reconnect), or an old one: nothing to do
      this.state = this.stateOf(push.version, 'applied')
      this.publishState()
      return
    }
    const checked = this.deps.check(push.settings)
    if (!checked.ok) {
      log.warn(
        { version: push.version, problems: checked.problems },
        'remote config rejected; keeping the current one',
      )
      this.deps
        .agent()
        .faults.set('config', 'configRejected', `config v${push.version}: ${describe(checked.problems)}`)
      this.state = this.stateOf(push.version, 'rejected', checked.problems)
      this.publishState()
      return
    }
    const previous = this.applied
    await store.save({
      version: push.version,
      settings: push.settings,
      issuedAt: push.issuedAt,
      issuedBy: push.issuedBy,
      appliedAt: new Date(this.deps.clock.now()).toISOString(),
    })
    this.applied = push.version
    this.state = this.stateOf(push.version, 'applied')
    log.info({ version: push.version, by: push.issuedBy }, 'remote config saved; restarting the agent on it')
    try {
      await this.deps.restart(checked.config)
      this.deps.agent().faults.clear('config')
      // normally the new agent's connect sends it; this covers a restart that kept the link
      this.publishState()
    } catch (err) {
      // it checked out but the agent would not start on it: back to the settings before
      log.error({ err, version: push.version }, 'agent did not start on the new config; going back')
      await store.rollback()
      this.applied = previous
      this.state = this.stateOf(push.version, 'rejected', [
        { path: '', message: `the agent did not start on it: ${(err as Error).message}`.slice(0, 500) },
      ])
      const before = store.load().current
      const back = before ? this.deps.check(before.settings) : undefined
      await this.deps.restart(back?.ok ? back.config : this.deps.base)
    }
  }

  private stateOf(desired: number, state: ConfigState['state'], problems?: ConfigProblem[]): ConfigState {
    return {
      desiredVersion: desired,
      appliedVersion: this.applied,
      state,
      ...(problems ? { problems } : {}),
      at: new Date(this.deps.clock.now()).toISOString(),
    }
  }

  private publishState(): void {
    const { link, state } = this
    if (!link || !state) return
    // retained: the hub reads it again after its own restart
    link
      .publishConfigState(state)
      .catch((err: unknown) => this.deps.log.debug({ err }, 'config state not sent'))
  }

  private answer(commandId: string, state: CommandState, detail?: string): void {
    const result: CommandResult = {
      commandId,
      state,
      ...(detail === undefined ? {} : { detail: detail.slice(0, 500) }),
      at: new Date(this.deps.clock.now()).toISOString(),
    }
    this.answered.set(commandId, result)
    if (this.answered.size > REMEMBERED_COMMANDS) {
      const oldest = this.answered.keys().next().value
      if (oldest !== undefined) this.answered.delete(oldest)
    }
    this.unsent.push(result)
    this.flush()
  }

  /** Sends the answers not yet delivered, in order; what fails waits for the next connect. */
  private flush(): void {
    if (this.flushing) return
    this.flushing = true
    void (async () => {
      try {
        while (this.link && this.unsent.length > 0) {
          await this.withTimeout(this.link.publishCommandResult(this.unsent[0] as CommandResult))
          this.unsent.shift()
        }
      } catch (err) {
        this.deps.log.debug({ err }, 'command result not sent; trying again')
        this.deps.clock.setTimeout(() => this.flush(), RETRY_SEND_MS)
      } finally {
        this.flushing = false
      }
    })()
  }

  /** A publish whose link went away may never settle; give up on it and send again later. */
  private withTimeout(p: Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = this.deps.clock.setTimeout(
        () => reject(new Error('publish timed out')),
        PUBLISH_TIMEOUT_MS,
      )
      p.then(
        () => {
          this.deps.clock.clear(timer)
          resolve()
        },
        (err: unknown) => {
          this.deps.clock.clear(timer)
          reject(err)
        },
      )
    })
  }

  private enqueue(task: () => Promise<void>): void {
    const run = () =>
      task().catch((err: unknown) => this.deps.log.error({ err }, 'remote control task failed'))
    this.work = this.work.then(run, run)
  }
}

function describe(problems: ConfigProblem[]): string {
  return problems
    .map((p) => (p.path ? `${p.path}: ${p.message}` : p.message))
    .join('; ')
    .slice(0, 450)
}

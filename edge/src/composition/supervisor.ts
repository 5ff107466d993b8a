import { applyRemoteSettings, type StationConfig } from '@ejia/firmware-config'
import { remoteConfigVersion } from '@ejia/protocol'
import type { Logger } from 'pino'
import { RemoteSettingsFile } from '../adapters/files/remoteSettingsFile.js'
import { systemClock } from '../adapters/system/systemClock.js'
import type { Agent, ControlHandlers } from '../app/agent.js'
import { RemoteControl, type RemoteControlDeps } from '../app/remoteControl.js'
import type { Clock } from '../ports/clock.js'
import type { StoredSettings } from '../ports/remoteSettings.js'
import { type RotationHooks, StationCredentials, type UplinkLogin } from './credentials.js'

/** One run of the agent on one config: what `startEdge`'s composition gives back. */
export interface EdgeRun {
  agent: Agent
  localApiUrl?: string
  /** The `forgetFace` command, when this run has face check-in. */
  forgetFace?: NonNullable<RemoteControlDeps<StationConfig>['forgetFace']>
  stop(): Promise<void>
}

/** `login`: the secrets the run's uplink logs in with (`config.hub.password` is its first). */
export type RunEdge = (
  config: StationConfig,
  control: ControlHandlers,
  login: UplinkLogin,
) => Promise<EdgeRun>

export interface SuperviseOptions {
  log: Logger
  clock?: Clock
  /** The station config file the kiosk started from; without it `rotateCredentials` is refused. */
  configFile?: string
  /** How long a rotation waits to log in with the new secret (default 60 s). */
  rotationTimeoutMs?: number
  rotationHooks?: RotationHooks
  /** `upgradeAgent` (composition/upgrades.ts); without it the command is refused. */
  upgradeAgent?: RemoteControlDeps<StationConfig>['upgradeAgent']
}

export interface Supervised {
  readonly run: EdgeRun
  readonly remote: RemoteControl<StationConfig>
  stop(): Promise<void>
}

/**
 * Runs the agent on the provisioned config with the hub's remote settings over it, and
 * restarts it in-process when they change or a `restartAgent` command comes. A restart
 * stops the run cleanly (local API, devices, outbox, uplink, then the journal, so every
 * journalled event is on disk and the outbox resumes from it) and starts a new one on the
 * same local API port.
 */
export async function supervise(
  base: StationConfig,
  opts: SuperviseOptions,
  runEdge: RunEdge,
): Promise<Supervised> {
  const log = opts.log.child({ name: 'edge:remote' })
  const store = new RemoteSettingsFile(base.dataDir)
  const check = (settings: unknown) => applyRemoteSettings(base, settings)
  // the settings last applied, else the ones before (a file from an older kiosk, or a
  // serial adapter gone since), else the provisioned file alone
  let applied: StoredSettings | undefined
  let config = base
  const stored = store.load()
  for (const s of [stored.current, stored.previous]) {
    if (!s) continue
    const r = check(s.settings)
    if (r.ok) {
      applied = s
      config = r.config
      break
    }
    log.error(
      { version: s.version, problems: r.problems },
      'stored remote settings no longer check out; not used',
    )
  }

  const clock = opts.clock ?? systemClock
  // restarts the agent (on `next`, else the config it runs on); set once the runs are wired
  let restart: (next?: StationConfig) => Promise<void> = async () => undefined
  const credentials = StationCredentials.open(opts.configFile, base.hub.password, {
    clock,
    log: opts.log.child({ name: 'edge:credentials' }),
    ...(opts.rotationTimeoutMs === undefined ? {} : { timeoutMs: opts.rotationTimeoutMs }),
    ...(opts.rotationHooks === undefined ? {} : { hooks: opts.rotationHooks }),
    onSwitched: () => void restart().catch((err: unknown) => log.error({ err }, 'restart failed')),
  })

  let apiPort: number | undefined
  let current: EdgeRun | undefined
  let stopping = false
  let restarting: Promise<void> = Promise.resolve()
  const start = async (next: StationConfig): Promise<EdgeRun> => {
    const login = credentials.login()
    const effective: StationConfig = {
      ...next,
      // the secret in force, which a rotation may have changed since the file was read
      hub: { ...next.hub, password: login.password },
      configVersion: remoteConfigVersion(base.configVersion, remote.appliedVersion),
      // a restart keeps the port the kiosk UI knows, even when the file says "any" (0)
      localApi: { ...next.localApi, port: apiPort ?? next.localApi.port },
    }
    const run = await runEdge(effective, remote, login)
    if (run.localApiUrl) apiPort = Number(new URL(run.localApiUrl).port)
    config = next
    return run
  }
  restart = (next) => {
    const go = async () => {
      await restarting.catch(() => undefined)
      const run = current
      current = undefined
      await run?.stop()
      if (!stopping) current = await start(next ?? config)
    }
    restarting = go()
    return restarting
  }
  const remote: RemoteControl<StationConfig> = new RemoteControl(
    {
      clock,
      log,
      store,
      base,
      check,
      agent: () => (current as EdgeRun).agent,
      restart: (next) => restart(next),
      ...(credentials.canRotate
        ? { rotateCredentials: (secret: string) => credentials.rotate(secret, () => restart()) }
        : {}),
      ...(opts.upgradeAgent ? { upgradeAgent: opts.upgradeAgent } : {}),
      forgetFace: (personId, requestedBy, reason) => {
        const forget = current?.forgetFace
        if (!forget)
          throw new Error('face check-in is not running on this kiosk: no face data to delete here')
        return forget(personId, requestedBy, reason)
      },
    },
    applied,
  )
  // the first start is a restart like any other: a retained config that arrives while the
  // agent is still starting waits for it, rather than starting a second agent beside it
  restarting = (async () => {
    current = await start(config)
  })()
  await restarting
  return {
    get run() {
      return current as EdgeRun
    },
    remote,
    async stop() {
      // a command still waiting (a roster resync) fails with the agent; a restart finishes first
      stopping = true
      credentials.close()
      await restarting.catch(() => undefined)
      await current?.stop()
      current = undefined
    },
  }
}

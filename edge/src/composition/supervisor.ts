import { applyRemoteSettings, type StationConfig } from '@ejia/firmware-config'
import { remoteConfigVersion } from '@ejia/protocol'
import type { Logger } from 'pino'
import { RemoteSettingsFile } from '../adapters/files/remoteSettingsFile.js'
import { systemClock } from '../adapters/system/systemClock.js'
import type { Agent, ControlHandlers } from '../app/agent.js'
import { RemoteControl } from '../app/remoteControl.js'
import type { Clock } from '../ports/clock.js'
import type { StoredSettings } from '../ports/remoteSettings.js'

/** One run of the agent on one config: what `startEdge`'s composition gives back. */
export interface EdgeRun {
  agent: Agent
  localApiUrl?: string
  stop(): Promise<void>
}

export type RunEdge = (config: StationConfig, control: ControlHandlers) => Promise<EdgeRun>

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
  opts: { log: Logger; clock?: Clock },
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

  let apiPort: number | undefined
  let current: EdgeRun | undefined
  let stopping = false
  let restarting: Promise<void> = Promise.resolve()
  const start = async (next: StationConfig): Promise<EdgeRun> => {
    const effective: StationConfig = {
      ...next,
      configVersion: remoteConfigVersion(base.configVersion, remote.appliedVersion),
      // a restart keeps the port the kiosk UI knows, even when the file says "any" (0)
      localApi: { ...next.localApi, port: apiPort ?? next.localApi.port },
    }
    const run = await runEdge(effective, remote)
    if (run.localApiUrl) apiPort = Number(new URL(run.localApiUrl).port)
    config = next
    return run
  }
  const remote: RemoteControl<StationConfig> = new RemoteControl(
    {
      clock: opts.clock ?? systemClock,
      log,
      store,
      base,
      check,
      agent: () => (current as EdgeRun).agent,
      restart(next) {
        const go = async () => {
          const run = current
          current = undefined
          await run?.stop()
          if (!stopping) current = await start(next ?? config)
        }
        restarting = go()
        return restarting
      },
    },
    applied,
  )
  current = await start(config)
  return {
    get run() {
      return current as EdgeRun
    },
    remote,
    async stop() {
      // a command still waiting (a roster resync) fails with the agent; a restart finishes first
      stopping = true
      await restarting.catch(() => undefined)
      await current?.stop()
      current = undefined
    },
  }
}

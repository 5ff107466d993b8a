import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Logger } from 'pino'
import { InstallLayout } from './layout.js'
import {
  outcomeFile,
  type UpgradeOutcome,
  type UpgradeRequest,
  upgradeDir,
  writeJsonAtomic,
} from './prepare.js'

const run = promisify(execFile)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The pid file of an agent `ejia-upgrade` started as a plain process (no service manager). */
export const agentPidFile = (dataDir: string) => join(upgradeDir(dataDir), 'agent.pid')

/**
 * `ejia-upgrade`: switches `current` to the new release, restarts the agent, and waits for
 * it to be healthy: its local API answers with the new version and its uplink is connected
 * to the hub. If not within the timeout (or the new agent exits), it switches back,
 * restarts the old release and waits for that one. Either way it leaves the outcome for the
 * agent then running to report (`<dataDir>/upgrade/outcome.json`), keeps the release to go
 * back to, and prunes the rest.
 */
export async function applyUpgrade(
  req: UpgradeRequest,
  dataDir: string,
  log: Logger,
): Promise<UpgradeOutcome> {
  const layout = new InstallLayout(req.installDir)
  const restarter = new Restarter(req, dataDir, log)
  let outcome: UpgradeOutcome
  log.info({ from: req.from, to: req.to }, 'switching release')
  await layout.switchTo(req.to)
  await restarter.restart()
  const problem = await waitHealthy(req, req.to, restarter)
  if (problem === undefined) {
    const pruned = await layout.prune([req.to, req.from])
    log.info({ version: req.to, pruned }, 'upgrade healthy')
    outcome = {
      commandId: req.commandId,
      state: 'succeeded',
      detail: `agent ${req.to} running and connected (was ${req.from}); ${req.from} kept to go back to`,
    }
  } else {
    log.error({ version: req.to, problem }, 'new release not healthy; rolling back')
    await layout.switchTo(req.from)
    await restarter.restart()
    const back = await waitHealthy(req, req.from, restarter)
    await rm(layout.releaseDir(req.to), { recursive: true, force: true })
    outcome = {
      commandId: req.commandId,
      state: 'failed',
      detail: `rolled back to ${req.from}: ${req.to} ${problem}${back ? `; and ${req.from} after it: ${back}` : ''}`,
    }
  }
  await writeJsonAtomic(outcomeFile(dataDir), outcome)
  restarter.release()
  return outcome
}

/** undefined when the agent at `statusUrl` runs `version` connected, else what was wrong. */
async function waitHealthy(
  req: UpgradeRequest,
  version: string,
  restarter: Restarter,
): Promise<string | undefined> {
  const deadline = Date.now() + req.healthTimeoutS * 1000
  let last = 'did not answer on its local API'
  while (Date.now() < deadline) {
    const exited = restarter.exitedWith()
    if (exited !== undefined) return `exited (${exited}) at start`
    try {
      const res = await fetch(`${req.statusUrl}/api/status`, { signal: AbortSignal.timeout(3000) })
      const body = (await res.json()) as { connected?: boolean; health?: { versions?: { agent?: string } } }
      const running = body.health?.versions?.agent
      if (running !== version) last = `answered as version ${running}`
      else if (body.connected !== true) last = 'is not connected to the hub'
      else return undefined
    } catch {
      // not up yet
    }
    await sleep(500)
  }
  return `${last} within ${req.healthTimeoutS} s`
}

/** Restarts the agent: through systemd on a kiosk, or as a plain process (tests, a dev box). */
class Restarter {
  private child: ChildProcess | undefined
  private exit: string | undefined

  constructor(
    private readonly req: UpgradeRequest,
    private readonly dataDir: string,
    private readonly log: Logger,
  ) {}

  async restart(): Promise<void> {
    const r = this.req.restart
    if (r.mode === 'systemd') {
      // allowed to the ejia user by deploy/kiosk/ejia-upgrade.polkit.rules
      await run('systemctl', ['restart', r.unit])
      return
    }
    const pid = this.child?.pid ?? r.pid
    await stopPid(pid)
    const out = openSync(r.logFile, 'a')
    this.exit = undefined
    // `current/bin/...`: node resolves the symlink, so the agent runs from the release
    const child = spawn(
      r.execPath,
      [join(this.req.installDir, 'current', 'bin', 'ejia-edge.js'), ...r.args],
      {
        cwd: r.cwd,
        detached: true,
        stdio: ['ignore', out, out],
      },
    )
    closeSync(out)
    child.once('exit', (code, signal) => {
      this.exit = String(code ?? signal)
    })
    this.child = child
    await writeFile(agentPidFile(this.dataDir), `${child.pid}\n`)
    this.log.info({ pid: child.pid }, 'agent started as a plain process')
  }

  exitedWith(): string | undefined {
    return this.exit
  }

  /** Lets the agent started last outlive this process. */
  release(): void {
    this.child?.unref()
  }
}

async function stopPid(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  if (!alive()) return
  process.kill(pid, 'SIGTERM')
  for (let i = 0; i < 150 && alive(); i++) await sleep(100)
  if (alive()) process.kill(pid, 'SIGKILL')
}

/** Marks the request done, so the path unit does not start the upgrader on it again. */
export async function retireRequest(file: string): Promise<void> {
  await rename(file, `${file}.done`).catch(() => undefined)
}

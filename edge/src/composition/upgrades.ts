import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { StationConfig } from '@ejia/firmware-config'
import type { Logger } from 'pino'
import type { RemoteControl } from '../app/remoteControl.js'
import { InstallLayout } from '../app/upgrade/layout.js'
import {
  outcomeFile,
  prepareRelease,
  readJson,
  requestFile,
  type UpgradeArgs,
  type UpgradeOutcome,
  type UpgradeRequest,
  upgradeDir,
  writeJsonAtomic,
} from '../app/upgrade/prepare.js'
import { ReleaseError } from '../app/upgrade/release.js'
import { AGENT_VERSION } from '../version.js'

/** The agent's package dir: `<installDir>/releases/<version>` on an installed kiosk. */
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url))
const OUTCOME_POLL_MS = 1000

export interface Upgrades {
  upgradeAgent(commandId: string, args: UpgradeArgs): Promise<string | undefined>
  /** Reports the outcome `ejia-upgrade` left, now or once it does; returns a stop function. */
  reportOutcomes(remote: RemoteControl<StationConfig>): () => void
}

/**
 * Agent upgrades on the kiosk (docs/OPERATIONS.md, "Agent upgrades"). The running agent
 * fetches and checks the release and unpacks it, then hands over to `ejia-upgrade`, which
 * must outlive it: under systemd (`EJIA_SUPERVISOR=systemd`, set by ejia-edge.service) it
 * writes the request file that ejia-upgrade.path watches; otherwise it starts the upgrader
 * as a detached process, which restarts the agent as a plain process too.
 */
export function agentUpgrades(
  config: StationConfig,
  deps: { log: Logger; localApiUrl(): string | undefined },
): Upgrades {
  const log = deps.log.child({ name: 'edge:upgrade' })
  const layout = InstallLayout.ofPackage(PACKAGE_DIR)
  const dataDir = config.dataDir
  return {
    async upgradeAgent(commandId, args) {
      if (args.version === AGENT_VERSION) return `agent ${AGENT_VERSION} is running already`
      if (!layout) {
        throw new ReleaseError('badRelease', `the agent does not run from an install tree (${PACKAGE_DIR})`)
      }
      const statusUrl = deps.localApiUrl()
      if (!statusUrl)
        throw new ReleaseError('badRelease', 'the local API is off: the new agent cannot be probed')
      const from = await layout.current()
      await prepareRelease(args, { layout, dataDir, releaseKey: config.upgrade.releaseKey })
      const systemd = process.env.EJIA_SUPERVISOR === 'systemd'
      const request: UpgradeRequest = {
        commandId,
        from,
        to: args.version,
        installDir: layout.installDir,
        statusUrl,
        healthTimeoutS: config.upgrade.healthTimeoutS,
        restart: systemd
          ? { mode: 'systemd', unit: process.env.EJIA_SERVICE_UNIT ?? 'ejia-edge.service' }
          : {
              mode: 'process',
              pid: process.pid,
              execPath: process.execPath,
              args: process.argv.slice(2),
              cwd: process.cwd(),
              logFile: join(upgradeDir(dataDir), 'agent.log'),
            },
      }
      await rm(outcomeFile(dataDir), { force: true })
      await writeJsonAtomic(requestFile(dataDir), request)
      log.info({ from, to: args.version }, 'release checked and unpacked; handing over to ejia-upgrade')
      if (!systemd) startUpgrader(dataDir)
      return undefined
    },
    reportOutcomes(remote) {
      const file = outcomeFile(dataDir)
      const check = () => {
        const outcome = existsSync(file) ? readJson<UpgradeOutcome>(file) : undefined
        if (!outcome) return
        log.info(outcome, 'upgrade outcome')
        remote.report(outcome.commandId, outcome.state, outcome.detail)
        void rm(file, { force: true })
      }
      check()
      const timer = setInterval(check, OUTCOME_POLL_MS)
      timer.unref()
      return () => clearInterval(timer)
    },
  }
}

function startUpgrader(dataDir: string): void {
  mkdirSync(upgradeDir(dataDir), { recursive: true })
  const out = openSync(join(upgradeDir(dataDir), 'upgrade.log'), 'a')
  const child = spawn(
    process.execPath,
    [join(PACKAGE_DIR, 'bin', 'ejia-upgrade.js'), '--request', requestFile(dataDir), '--data', dataDir],
    { detached: true, stdio: ['ignore', out, out], env: process.env },
  )
  closeSync(out)
  child.unref()
}

import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { createLogger } from '@ejia/platform'
import { applyUpgrade, retireRequest } from './app/upgrade/apply.js'
import { readJson, type UpgradeRequest } from './app/upgrade/prepare.js'

/**
 * `ejia-upgrade --request FILE --data DIR`: the second half of an agent upgrade, run
 * outside the agent's process (ejia-upgrade.service on a kiosk, a detached process
 * otherwise). docs/OPERATIONS.md, "Agent upgrades".
 */
const { values } = parseArgs({ options: { request: { type: 'string' }, data: { type: 'string' } } })
if (!values.request || !values.data) {
  console.error('usage: ejia-upgrade --request FILE --data DIR')
  process.exit(2)
}
const log = createLogger().child({ name: 'edge:upgrade' })
const request = existsSync(values.request) ? readJson<UpgradeRequest>(values.request) : undefined
if (!request) {
  log.info({ file: values.request }, 'no upgrade request')
  process.exit(0)
}
// retired first: a crash half way must not start the same switch again on the next boot
await retireRequest(values.request)
try {
  const outcome = await applyUpgrade(request, values.data, log)
  console.log(JSON.stringify(outcome))
  process.exit(0)
} catch (err) {
  log.fatal({ err }, 'upgrade could not finish')
  process.exit(1)
}

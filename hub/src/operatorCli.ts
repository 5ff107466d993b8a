import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Accounts, AuthError } from './auth/accounts.js'
import type { OperatorTier } from './auth/operator.js'
import { LEDGER_FILE } from './main.js'
import { isPostgresUrl, openHubStores } from './storage/hubStores.js'
import { OperatorError } from './storage/operatorStore.js'

const USAGE = `usage: ejia-operator COMMAND --data DIR | --store postgres://… ...
  list                                  every operator: tier, scope, disabled
  add --user U --tier district|town|station [--scope TOWN|STATION] [--name NAME]
  password --user U                     a new password; ends the operator's sessions
  enable --user U | disable --user U
  Works on the hub's data folder (or its PostgreSQL database, as the hub's --store), with
  the hub running or not. A new password comes
  from EJIA_PASSWORD, or is made up and printed once. For the lost password of the last
  district operator, and for scripts that set up a hub.`

function fail(message: string, code = 2): never {
  console.error(message)
  process.exit(code)
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string' },
    store: { type: 'string' },
    user: { type: 'string' },
    tier: { type: 'string' },
    scope: { type: 'string' },
    name: { type: 'string' },
  },
})
const command = positionals[0]
if (!(values.data || values.store) || !command) fail(USAGE)
if (values.store !== undefined && !isPostgresUrl(values.store))
  fail(`--store ${values.store}: a postgres:// URL`)

const stores = await openHubStores(values.store ?? join(values.data as string, LEDGER_FILE), Date.now)
const { storage, operators } = stores
const accounts = new Accounts(operators, Date.now)
const newPassword = () => process.env.EJIA_PASSWORD ?? randomBytes(12).toString('base64url')
const user = () => values.user ?? fail(`${command} needs --user`)

try {
  if (command === 'list') {
    for (const o of await operators.list())
      console.log(
        `${o.username}\t${o.tier}\t${o.scope ?? '-'}\t${o.disabled ? 'disabled' : 'active'}\t${o.displayName}`,
      )
  } else if (command === 'add') {
    const tier = values.tier as OperatorTier
    if (!['district', 'town', 'station'].includes(tier)) fail('--tier is district, town or station')
    const scope = values.scope ?? null
    if ((tier === 'district') !== (scope === null))
      fail(`a ${tier} operator ${tier === 'district' ? 'has no' : 'needs a'} --scope`)
    const known =
      tier === 'district' ||
      (await storage.listStations()).some((s) => (tier === 'town' ? s.townCode === scope : s.id === scope))
    if (!known) fail(`no ${tier} ${scope} in this hub's registry`)
    const password = newPassword()
    await accounts.addOperator({
      username: user(),
      displayName: values.name ?? user(),
      tier,
      scope,
      password,
    })
    if (!process.env.EJIA_PASSWORD) console.log(password)
  } else if (command === 'password') {
    const password = newPassword()
    await accounts.setPassword(user(), password)
    if (!process.env.EJIA_PASSWORD) console.log(password)
  } else if (command === 'enable' || command === 'disable') {
    await operators.update(user(), { disabled: command === 'disable' }, Date.now())
  } else {
    fail(USAGE)
  }
  // a change made at the console is in the audit trail like one made through the API
  if (command !== 'list')
    await stores.work.audit('ejia-operator', `operator.${command}`, { username: values.user })
} catch (err) {
  if (err instanceof AuthError || err instanceof OperatorError) fail(err.message, 1)
  throw err
} finally {
  await stores.close()
}

import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { OperatorStore } from '../storage/operatorStore.js'
import type { Accounts } from './accounts.js'

/** Where a new hub writes the password of the `admin` it made, readable by its owner only. */
export const INITIAL_PASSWORD_FILE = 'initial-admin-password'

/** A hub with no operator gets one district operator, so somebody can log in and make the rest. */
export async function firstOperator(
  operators: OperatorStore,
  accounts: Accounts,
  opts: { dataDir: string; initialAdmin?: { username: string; password: string } | undefined },
  log: Logger,
): Promise<void> {
  if ((await operators.count()) > 0) return
  const given = opts.initialAdmin
  const username = given?.username ?? 'admin'
  const password = given?.password ?? randomBytes(12).toString('base64url')
  await accounts.addOperator({ username, displayName: '区级管理员', tier: 'district', scope: null, password })
  if (given) return
  const file = join(opts.dataDir, INITIAL_PASSWORD_FILE)
  writeFileSync(file, `${username}\n${password}\n`, { mode: 0o600 })
  log.warn(
    { username, file },
    'made the first operator; its password is in the file: log in, change it, delete the file',
  )
}

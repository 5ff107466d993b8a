import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Registry } from '@ejia/firmware-config'
import { type HubHandle, type HubOptions, startHub } from '@ejia/hub'
import pino from 'pino'

// login, API tokens and the first admin: one implementation, shared with the benchmarks
import { apiToken, type BearerAuth, bearer } from '../../bench/lib/hubApi.js'

export { apiToken, type BearerAuth, bearer, initialAdminAuth, loginSession } from '../../bench/lib/hubApi.js'

export interface TestHub extends HubHandle {
  /** http://127.0.0.1:<port> */
  api: string
  /** mqtt://127.0.0.1:<port> */
  mqttUrl: string
  /** An API token of the hub's first operator, a district admin. */
  token: string
  auth: BearerAuth
}

/** The first operator of every test hub, unless a test names its own. */
export const TEST_ADMIN = { username: 'admin', password: 'test-admin-password' }

/**
 * A real hub in-process on ephemeral ports (unless told otherwise), with a fresh data dir, a
 * silent log and a district admin who has logged in and made an API token.
 */
export async function startTestHub(registry: Registry, over: Partial<HubOptions> = {}): Promise<TestHub> {
  const admin = over.initialAdmin ?? TEST_ADMIN
  const hub = await startHub({
    dataDir: mkdtempSync(join(tmpdir(), 'ejia-hub-')),
    registry,
    mqttHost: '127.0.0.1',
    mqttPort: 0,
    httpHost: '127.0.0.1',
    httpPort: 0,
    // plain MQTT and HTTP, asked for explicitly (HubOptions.lab); `over` may give tls and lab: false
    lab: true,
    log: pino({ level: 'silent' }),
    ...over,
    initialAdmin: admin,
  })
  const api = `http://127.0.0.1:${hub.httpPort}`
  const token = await apiToken(api, admin.username, admin.password)
  return { ...hub, api, mqttUrl: `mqtt://127.0.0.1:${hub.mqttPort}`, token, auth: bearer(token) }
}

/**
 * A second person at the hub: an operator the admin makes (tier and scope as given), with the
 * password `<username>-password`, logged in with a token of their own. For the four-eyes
 * rules and for who-did-it in the audit trail.
 */
export async function operatorAuth(
  hub: Pick<TestHub, 'api' | 'auth'>,
  op: { username: string; tier: 'district' | 'town' | 'station'; scope: string | null },
): Promise<BearerAuth> {
  const password = `${op.username}-password`
  const res = await fetch(`${hub.api}/api/operators`, {
    method: 'POST',
    headers: { ...hub.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ ...op, displayName: op.username, password }),
  })
  if (res.status !== 201) throw new Error(`operator ${op.username}: ${res.status} ${await res.text()}`)
  return bearer(await apiToken(hub.api, op.username, password))
}

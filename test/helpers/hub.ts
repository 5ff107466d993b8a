import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Registry } from '@ejia/firmware-config'
import { type HubHandle, type HubOptions, INITIAL_PASSWORD_FILE, startHub } from '@ejia/hub'
import pino from 'pino'

/** Headers to spread into a fetch: an operator's API token. (A type, so it is a Record<string, string>.) */
export type BearerAuth = { authorization: string }

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
    log: pino({ level: 'silent' }),
    ...over,
    initialAdmin: admin,
  })
  const api = `http://127.0.0.1:${hub.httpPort}`
  const token = await apiToken(api, admin.username, admin.password)
  return { ...hub, api, mqttUrl: `mqtt://127.0.0.1:${hub.mqttPort}`, token, auth: bearer(token) }
}

export const bearer = (token: string): BearerAuth => ({ authorization: `Bearer ${token}` })

/** Logs in as a browser does: the session cookie (`name=value`, for a Cookie header) and its CSRF token. */
export async function loginSession(
  api: string,
  username: string,
  password: string,
): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${api}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (res.status !== 200) throw new Error(`login as ${username}: ${res.status} ${await res.text()}`)
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] as string)
    .find((c) => c.startsWith('ejia_session='))
  if (!cookie) throw new Error(`login as ${username} set no session cookie`)
  const { csrfToken } = (await res.json()) as { csrfToken: string }
  return { cookie, csrf: csrfToken }
}

/** Logs in and makes an API token, as a script's owner would once. */
export async function apiToken(api: string, username: string, password: string): Promise<string> {
  const { cookie, csrf } = await loginSession(api, username, password)
  const res = await fetch(`${api}/api/auth/tokens`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'test' }),
  })
  if (res.status !== 201) throw new Error(`token for ${username}: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { token: string }).token
}

/** The admin a hub process made for itself (`<dataDir>/initial-admin-password`), logged in with a token. */
export async function initialAdminAuth(api: string, dataDir: string): Promise<BearerAuth> {
  const [username, password] = readFileSync(join(dataDir, INITIAL_PASSWORD_FILE), 'utf8').split('\n')
  return bearer(await apiToken(api, username as string, password as string))
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

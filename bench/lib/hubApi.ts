import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { INITIAL_PASSWORD_FILE } from '@ejia/hub'

/** Headers to spread into a fetch: an operator's API token. (A type, so it is a Record<string, string>.) */
export type BearerAuth = { authorization: string }

export const bearer = (token: string): BearerAuth => ({ authorization: `Bearer ${token}` })

/**
 * Logs in as a browser does: the session cookie (`name=value`, for a Cookie header) and its
 * CSRF token. `fetcher` for a hub on HTTPS with the district CA (test/helpers/https.ts).
 */
export async function loginSession(
  api: string,
  username: string,
  password: string,
  fetcher: typeof fetch = fetch,
): Promise<{ cookie: string; csrf: string }> {
  const res = await fetcher(`${api}/api/auth/login`, {
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
export async function apiToken(
  api: string,
  username: string,
  password: string,
  fetcher: typeof fetch = fetch,
): Promise<string> {
  const { cookie, csrf } = await loginSession(api, username, password, fetcher)
  const res = await fetcher(`${api}/api/auth/tokens`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'script' }),
  })
  if (res.status !== 201) throw new Error(`token for ${username}: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { token: string }).token
}

/** The admin a hub process made for itself (`<dataDir>/initial-admin-password`), logged in with a token. */
export async function initialAdminAuth(
  api: string,
  dataDir: string,
  fetcher: typeof fetch = fetch,
): Promise<BearerAuth> {
  const [username, password] = readFileSync(join(dataDir, INITIAL_PASSWORD_FILE), 'utf8').split('\n')
  return bearer(await apiToken(api, username as string, password as string, fetcher))
}

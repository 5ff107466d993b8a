/**
 * One way to call the local agent: every call answers a typed result, never throws, and a
 * refusal carries the agent's `error` code (or the `reason` of a 401 `unknown` outcome), which
 * the screens turn into words from the catalogue. The agent's `message` is for logs, not villagers.
 */
export type ApiResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; code: string; body: unknown }

/** Local calls answer in milliseconds; past this the agent is treated as unreachable. */
const DEFAULT_TIMEOUT_MS = 8000

export async function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<ApiResult<T>> {
  const init: RequestInit = { method, cache: 'no-store', signal: AbortSignal.timeout(timeoutMs) }
  if (body instanceof Blob) {
    init.body = body
    init.headers = { 'content-type': body.type || 'image/jpeg' }
  } else if (body !== undefined) {
    init.body = JSON.stringify(body)
    init.headers = { 'content-type': 'application/json' }
  }
  let res: Response
  try {
    res = await fetch(`./api/${path}`, init)
  } catch {
    return { ok: false, status: 0, code: 'network', body: null }
  }
  const data: unknown = res.status === 204 ? null : await res.json().catch(() => null)
  if (res.ok) return { ok: true, status: res.status, data: data as T }
  return { ok: false, status: res.status, code: errorCode(res.status, data), body: data }
}

function errorCode(status: number, data: unknown): string {
  if (data && typeof data === 'object') {
    if ('error' in data && typeof data.error === 'string') return data.error
    if ('reason' in data && typeof data.reason === 'string') return data.reason
  }
  return `http${status}`
}

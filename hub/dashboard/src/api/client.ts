/** One problem of a refusal that lists them (400 badSettings, badArgs): where, and what is wrong. */
export interface ApiProblem {
  path: string
  code?: string
  message: string
}

/** A refusal from the hub, with its `error` code (badLogin, locked, outOfScope, csrf…) and any problems. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: readonly ApiProblem[] = [],
  ) {
    super(message)
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * The hub's JSON API in this browser session: the session cookie goes by itself, and every
 * change carries the session's CSRF token. A 401 tells `onLoggedOut`, so the login comes back.
 */
/** An error's words for the screen, whatever was thrown. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err))

export function createApiClient(opts: { csrf: () => string | null; onLoggedOut: () => void }) {
  return async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {}
    if (body !== undefined) headers['content-type'] = 'application/json'
    const csrf = opts.csrf()
    if (UNSAFE.has(method) && csrf) headers['x-csrf-token'] = csrf
    let res: Response
    try {
      res = await fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    } catch (err) {
      throw new ApiError(0, 'unreachable', messageOf(err))
    }
    const text = await res.text()
    let json: unknown = null
    try {
      json = text === '' ? null : JSON.parse(text)
    } catch {
      json = null
    }
    if (!res.ok) {
      const e = (json ?? {}) as { error?: string; message?: string; problems?: ApiProblem[] }
      if (res.status === 401 && path !== '/api/auth/login') opts.onLoggedOut()
      throw new ApiError(
        res.status,
        e.error ?? `http${res.status}`,
        e.message ?? text.slice(0, 200),
        e.problems ?? [],
      )
    }
    return json as T
  }
}

export type ApiClient = ReturnType<typeof createApiClient>

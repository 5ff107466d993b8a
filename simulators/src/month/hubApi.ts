import type { Logger } from 'pino'
import { SeedError } from './seedError.js'

/*
 * The shapes of the hub's work API this client sends and reads. The hub's schemas
 * (hub/src/http/schemas.ts) are the source; the hub validates every body against them, so
 * a drift here shows up as a 400 with the hub's message, not as silently wrong data.
 */

export interface HubPerson {
  personId: string
  stationId: string
  name: string
  roles: ('member' | 'cadre' | 'villager')[]
  cards: string[]
  qrTokens: string[]
  fingerprints: number[]
  pinHash: string | null
}

export interface HubSchedule {
  stationId: string
  patterns: { weekday: number; start: string; end: string; personIds: string[] }[]
  holidays: string[]
  extraWorkdays: { date: string; likeWeekday: number }[]
  graceLateMin: number
  graceEarlyMin: number
  duplicateWithinMin: number
  /** First day the rota is in force; the hub takes today when absent. */
  validFrom?: string
}

export interface HubPlan {
  activityId: string
  stationId: string
  kind: 'themeDay' | 'branchAssembly'
  theme?: 'education' | 'service' | 'deliberation' | 'harmony' | 'x'
  /** The branch's own theme, for theme "x". */
  themeTitle?: string
  title: string
  agenda: string[]
  date: string
  expected: string[]
  leave: { personId: string; reason: string; approvedBy: string }[]
  hours: number
}

export interface HubCorrection {
  id: number
  stationId: string
  personId: string
  direction: 'in' | 'out'
  /** Epoch milliseconds. */
  at: number
  requestedBy: string
  status: 'pending' | 'approved' | 'rejected'
}

export interface HubStation {
  id: string
  townCode: string
  status: 'online' | 'offline' | 'never'
  ledger: { events: number }
}

export interface HubOperator {
  username: string
  displayName: string
  tier: 'district' | 'town' | 'station'
  /** The town code (tier town) or station id (tier station); null for the district. */
  scope: string | null
}

/**
 * A small client of the hub's HTTP API, as one operator: every call carries that operator's
 * API token (`Authorization: Bearer ejia_…`), and the hub's audit log names them.
 */
export class HubApi {
  constructor(
    private readonly base: string,
    private readonly token: string,
    private readonly log: Logger,
    /** The id of the token, when this client made it and should revoke it when done. */
    private readonly ownTokenId?: string,
  ) {}

  /**
   * Logs in as an operator and makes an API token for this client; the browser-style session
   * used to make it is ended at once. `close()` revokes the token.
   */
  static async login(base: string, username: string, password: string, log: Logger): Promise<HubApi> {
    const login = await send(base, 'POST', '/api/auth/login', {}, { username, password })
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0] as string)
      .find((c) => c.startsWith('ejia_session='))
    const { csrfToken } = login.body as { csrfToken: string }
    if (!cookie) throw new SeedError('hubRefused', `logging in as ${username}: the hub set no session cookie`)
    const session = { cookie, 'x-csrf-token': csrfToken }
    const made = await send(base, 'POST', '/api/auth/tokens', session, { name: 'ejia-sim' })
    await send(base, 'POST', '/api/auth/logout', session)
    const { token, id } = made.body as { token: string; id: string }
    return new HubApi(base, token, log, id)
  }

  /** Revokes the token this client made for itself at login; a client given a token keeps it. */
  async close(): Promise<void> {
    if (this.ownTokenId) await this.call('DELETE', `/api/auth/tokens/${this.ownTokenId}`)
  }

  /**
   * Makes sure the hub has this operator, with this password: creates it, or sets the password
   * of the one already there (which ends its sessions). Needs an operator who manages it.
   */
  async ensureOperator(op: HubOperator, password: string): Promise<void> {
    try {
      await this.call('POST', '/api/operators', { ...op, password })
    } catch (err) {
      if (!(err instanceof SeedError && err.status === 409)) throw err
      await this.call('PATCH', `/api/operators/${encodeURIComponent(op.username)}`, { password })
    }
  }

  people(): Promise<HubPerson[]> {
    return this.call<{ people: HubPerson[] }>('GET', '/api/people').then((r) => r.people)
  }

  putPeople(people: readonly HubPerson[]): Promise<unknown> {
    return this.call('PUT', '/api/people', { people })
  }

  setPin(personId: string, pin: string): Promise<unknown> {
    return this.call('PUT', `/api/people/${encodeURIComponent(personId)}/pin`, { pin })
  }

  schedules(): Promise<HubSchedule[]> {
    return this.call<{ schedules: HubSchedule[] }>('GET', '/api/duty/schedules').then((r) => r.schedules)
  }

  putSchedule({ stationId, ...body }: HubSchedule): Promise<unknown> {
    return this.call('PUT', `/api/duty/schedules/${stationId}`, body)
  }

  plans(from: string, to: string): Promise<HubPlan[]> {
    return this.call<{ activities: { plan: HubPlan }[] }>(
      'GET',
      `/api/activities?from=${from}&to=${to}`,
    ).then((r) => r.activities.map((a) => a.plan))
  }

  putPlan({ activityId, ...body }: HubPlan): Promise<unknown> {
    return this.call('PUT', `/api/activities/${encodeURIComponent(activityId)}`, body)
  }

  corrections(): Promise<HubCorrection[]> {
    return this.call<{ corrections: HubCorrection[] }>('GET', '/api/duty/corrections').then(
      (r) => r.corrections,
    )
  }

  requestCorrection(c: {
    stationId: string
    personId: string
    direction: 'in' | 'out'
    at: string
    reason: string
  }): Promise<number> {
    return this.call<{ id: number }>('POST', '/api/duty/corrections', c).then((r) => r.id)
  }

  decideCorrection(id: number, approve: boolean): Promise<unknown> {
    return this.call('POST', `/api/duty/corrections/${id}/decision`, { approve })
  }

  stations(town?: string): Promise<HubStation[]> {
    const q = town ? `?town=${town}` : ''
    return this.call<{ stations: HubStation[] }>('GET', `/api/stations${q}`).then((r) => r.stations)
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await send(this.base, method, path, { authorization: `Bearer ${this.token}` }, body)
    this.log.debug({ method, path, status: res.status }, 'hub API')
    return res.body as T
  }
}

/** One request; a refusal becomes a SeedError with the hub's message and status. */
async function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  let res: Response
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  } catch (err) {
    throw new SeedError('hubUnreachable', `cannot reach the hub API at ${base}: ${(err as Error).message}`, {
      cause: err,
    })
  }
  const text = await res.text()
  if (!res.ok) {
    let message = text.slice(0, 500)
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message
    } catch {
      // not JSON: keep the text
    }
    throw new SeedError('hubRefused', `${method} ${path}: the hub answered ${res.status}: ${message}`, {
      status: res.status,
    })
  }
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined }
}

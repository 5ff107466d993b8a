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

/** A small client of the hub's HTTP API; every write names its actor (`x-ejia-actor`). */
export class HubApi {
  constructor(
    private readonly base: string,
    private readonly log: Logger,
  ) {}

  people(): Promise<HubPerson[]> {
    return this.call<{ people: HubPerson[] }>('GET', '/api/people').then((r) => r.people)
  }

  putPeople(people: readonly HubPerson[], actor: string): Promise<unknown> {
    return this.call('PUT', '/api/people', { people }, actor)
  }

  setPin(personId: string, pin: string, actor: string): Promise<unknown> {
    return this.call('PUT', `/api/people/${encodeURIComponent(personId)}/pin`, { pin }, actor)
  }

  schedules(): Promise<HubSchedule[]> {
    return this.call<{ schedules: HubSchedule[] }>('GET', '/api/duty/schedules').then((r) => r.schedules)
  }

  putSchedule({ stationId, ...body }: HubSchedule, actor: string): Promise<unknown> {
    return this.call('PUT', `/api/duty/schedules/${stationId}`, body, actor)
  }

  plans(from: string, to: string): Promise<HubPlan[]> {
    return this.call<{ activities: { plan: HubPlan }[] }>(
      'GET',
      `/api/activities?from=${from}&to=${to}`,
    ).then((r) => r.activities.map((a) => a.plan))
  }

  putPlan({ activityId, ...body }: HubPlan, actor: string): Promise<unknown> {
    return this.call('PUT', `/api/activities/${encodeURIComponent(activityId)}`, body, actor)
  }

  corrections(): Promise<HubCorrection[]> {
    return this.call<{ corrections: HubCorrection[] }>('GET', '/api/duty/corrections').then(
      (r) => r.corrections,
    )
  }

  requestCorrection(
    c: { stationId: string; personId: string; direction: 'in' | 'out'; at: string; reason: string },
    actor: string,
  ): Promise<number> {
    return this.call<{ id: number }>('POST', '/api/duty/corrections', c, actor).then((r) => r.id)
  }

  decideCorrection(id: number, approve: boolean, actor: string): Promise<unknown> {
    return this.call('POST', `/api/duty/corrections/${id}/decision`, { approve }, actor)
  }

  stations(town?: string): Promise<HubStation[]> {
    const q = town ? `?town=${town}` : ''
    return this.call<{ stations: HubStation[] }>('GET', `/api/stations${q}`).then((r) => r.stations)
  }

  private async call<T>(method: string, path: string, body?: unknown, actor?: string): Promise<T> {
    const headers: Record<string, string> = {}
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (actor) headers['x-ejia-actor'] = actor
    let res: Response
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    } catch (err) {
      throw new SeedError(
        'hubUnreachable',
        `cannot reach the hub API at ${this.base}: ${(err as Error).message}`,
        {
          cause: err,
        },
      )
    }
    const text = await res.text()
    if (!res.ok) {
      let message = text.slice(0, 500)
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message
      } catch {
        // not JSON: keep the text
      }
      throw new SeedError('hubRefused', `${method} ${path}: the hub answered ${res.status}: ${message}`)
    }
    this.log.debug({ method, path, status: res.status }, 'hub API')
    return JSON.parse(text) as T
  }
}

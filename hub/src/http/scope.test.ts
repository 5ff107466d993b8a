import { codecs, type Event, stationTopic } from '@ejia/protocol'
import { newJournalKey } from '@ejia/protocol/chain'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../../../test/helpers/district.js'
import {
  type BearerAuth,
  loginSession,
  operatorAuth,
  startTestHub,
  TEST_ADMIN,
  type TestHub,
} from '../../../test/helpers/hub.js'
import { checkinEvent, connectStation, signedChain } from '../../../test/helpers/mqtt.js'
import { until } from '../../../test/helpers/wait.js'

/**
 * Issue 7, access: the API, not only the dashboard, keeps each operator to their tier. A
 * town operator reads and changes only their town, a village cadre only their station, and
 * the hub-wide views are the district's. Every route of the OpenAPI document is listed here
 * (the last test fails when a new route is not), with what each caller may do.
 */
describe('operators and their scopes, route by route', () => {
  const district = makeDistrict(4)
  const ids = district.configs.map((c) => c.station.id)
  const townOf = new Map(district.configs.map((c) => [c.station.id, c.station.townCode]))
  const [a1, b1, a2] = ids as [string, string, string, string]
  const townA = townOf.get(a1) as string
  const townB = townOf.get(b1) as string
  const person = (station: string) => `${station}-m001`
  const month = { from: '2026-11-01', to: '2026-11-30' }
  // Friday 2026-11-27, 09:00 in China; the duty watch raises alarms on unmanned stations
  let now = Date.parse('2026-11-27T01:00:00Z')
  let hub: TestHub
  let admin: BearerAuth
  let townOp: BearerAuth
  let cadre: BearerAuth
  const covered = new Set<string>()

  /** Each change an operator made that succeeded: did the audit log's newest entry change? */
  const changes: { method: string; path: string; audited: boolean }[] = []
  const newestAudit = async () => {
    const res = await fetch(`${hub.api}/api/audit?limit=1`, { headers: admin })
    return JSON.stringify(((await res.json()) as { entries: unknown[] }).entries[0] ?? null)
  }
  const call = async (
    who: Record<string, string> | undefined,
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const change = method !== 'GET' && who !== undefined && admin !== undefined
    const before = change ? await newestAudit() : ''
    const answered = await send(who, method, path, body)
    if (change && answered.status < 300) {
      changes.push({ method, path: path.split('?')[0] as string, audited: (await newestAudit()) !== before })
    }
    return answered
  }
  const send = async (
    who: Record<string, string> | undefined,
    method: string,
    path: string,
    body?: unknown,
  ) => {
    // the route template is what the coverage check counts
    const res = await fetch(`${hub.api}${path}`, {
      method,
      headers: { ...who, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    let json: any = text
    try {
      json = JSON.parse(text)
    } catch {}
    return { status: res.status, body: json }
  }
  /** Marks a route template as tested, then calls it. */
  const route = (template: string) => {
    covered.add(template)
    return {
      as: (who: BearerAuth | undefined, method: string, path: string, body?: unknown) =>
        call(who, method, path, body),
    }
  }
  const stationsIn = (rows: { stationId?: string; id?: string }[]) =>
    new Set(rows.map((r) => townOf.get((r.stationId ?? r.id) as string)))

  beforeAll(async () => {
    hub = await startTestHub(district.registry, {
      now: () => now,
      dutyWatch: { checkEveryMs: 50, holdMs: 60_000 },
    })
    admin = hub.auth
    townOp = await operatorAuth(hub, { username: 'town-a', tier: 'town', scope: townA })
    cadre = await operatorAuth(hub, { username: 'cadre-a1', tier: 'station', scope: a1 })
    const ok = async (p: Promise<{ status: number; body: unknown }>) => {
      const r = await p
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(300)
      return r.body as any
    }
    await ok(
      call(admin, 'PUT', '/api/people', {
        people: ids.flatMap((s) => [
          { personId: person(s), stationId: s, name: '党员', roles: ['member'] },
          { personId: `${s}-c001`, stationId: s, name: '干部', roles: ['cadre'] },
        ]),
      }),
    )
    for (const s of ids) {
      const patterns = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
        weekday,
        start: '09:00',
        end: '17:00',
        personIds: [`${s}-c001`],
      }))
      await ok(call(admin, 'PUT', `/api/duty/schedules/${s}`, { patterns, validFrom: '2026-11-01' }))
      await ok(
        call(admin, 'PUT', `/api/activities/${s}-day`, {
          stationId: s,
          kind: 'themeDay',
          title: '主题党日',
          date: '2026-11-25',
          expected: [person(s)],
          hours: 2,
        }),
      )
      await ok(
        call(admin, 'POST', '/api/duty/corrections', {
          stationId: s,
          personId: `${s}-c001`,
          direction: 'in',
          at: '2026-11-26T01:00:00Z',
          reason: '忘记打卡',
        }),
      )
    }
    // every station unmanned past grace and hold: one alarm each
    now += 20 * 60_000
    // the watch sees them unmanned, then again after its hold
    await new Promise((r) => setTimeout(r, 300))
    now += 2 * 60_000
    await until('an alarm at every station', async () => {
      const r = await call(admin, 'GET', '/api/alarms?active=true')
      return r.body.alarms?.length === ids.length ? true : undefined
    })
  })
  afterAll(() => hub?.stop())

  it('refuses a caller without a login, with a bad token, or a session change without its CSRF token', async () => {
    expect((await call(undefined, 'GET', '/api/stations')).status).toBe(401)
    expect((await call({ authorization: 'Bearer ejia_0000_nope' }, 'GET', '/api/stations')).body.error).toBe(
      'badToken',
    )
    const session = await loginSession(hub.api, TEST_ADMIN.username, TEST_ADMIN.password)
    const asSession = { cookie: session.cookie }
    expect((await call(asSession, 'GET', '/api/auth/me')).body).toMatchObject({
      operator: { username: 'admin' },
    })
    const body = {
      stationId: a1,
      personId: `${a1}-c001`,
      direction: 'out',
      at: '2026-11-26T09:00:00Z',
      reason: '忘记',
    }
    expect((await call(asSession, 'POST', '/api/duty/corrections', body)).body.error).toBe('csrf')
    const withCsrf = { ...asSession, 'x-csrf-token': session.csrf }
    expect((await call(withCsrf, 'POST', '/api/duty/corrections', body)).status).toBe(201)
    expect((await call(withCsrf, 'POST', '/api/auth/logout')).status).toBe(204)
    expect((await call(asSession, 'GET', '/api/auth/me')).status).toBe(401)
  })

  it('locks a username after ten wrong passwords, for whoever tries', async () => {
    await operatorAuth(hub, { username: 'victim', tier: 'station', scope: b1 })
    const login = (password: string) =>
      call(undefined, 'POST', '/api/auth/login', { username: 'victim', password })
    for (let i = 0; i < 10; i++) expect((await login('wrong-password')).status).toBe(401)
    expect((await login('victim-password')).body.error).toBe('locked')
  })

  it('keeps a town operator to their town on every read', async () => {
    const lists: [string, string, (b: any) => { stationId?: string; id?: string }[]][] = [
      ['/api/stations', '/api/stations', (b) => b.stations],
      ['/api/events', '/api/events?limit=1000', (b) => b.events],
      ['/api/people', '/api/people', (b) => b.people],
      ['/api/duty/schedules', '/api/duty/schedules', (b) => b.schedules],
      ['/api/duty/now', '/api/duty/now', (b) => b.stations],
      ['/api/duty/corrections', '/api/duty/corrections', (b) => b.corrections],
      [
        '/api/activities',
        `/api/activities?from=${month.from}&to=${month.to}`,
        (b) => b.activities.map((a: any) => a.plan),
      ],
      ['/api/study', '/api/study?today=2026-11-27', (b) => b.members],
      ['/api/alarms', '/api/alarms', (b) => b.alarms],
    ]
    for (const [template, path, rows] of lists) {
      const all = rows((await route(template).as(admin, 'GET', path)).body)
      const mine = rows((await route(template).as(townOp, 'GET', path)).body)
      expect(stationsIn(all).size, `${template} for the district`).toBe(template === '/api/events' ? 0 : 2)
      if (template !== '/api/events') expect(stationsIn(mine), template).toEqual(new Set([townA]))
    }
    // and naming the other town, or a station in it, is refused outright
    const beyond = [
      ['/api/stations', `/api/stations?town=${townB}`],
      ['/api/stations/:id', `/api/stations/${b1}`],
      ['/api/events', `/api/events?station=${b1}`],
      ['/api/events', `/api/events?town=${townB}`],
      // a person filter narrows within the scope, never past it
      ['/api/events', `/api/events?person=${person(b1)}&station=${b1}`],
      ['/api/people', `/api/people?station=${b1}`],
      ['/api/people/export.csv', `/api/people/export.csv?town=${townB}`],
      ['/api/duty/corrections', `/api/duty/corrections?station=${b1}`],
      ['/api/activities', `/api/activities?from=${month.from}&to=${month.to}&town=${townB}`],
      ['/api/activities/flags', `/api/activities/flags?from=${month.from}&to=${month.to}&town=${townB}`],
      ['/api/study', `/api/study?today=2026-11-27&station=${b1}`],
      ['/api/alarms', `/api/alarms?town=${townB}`],
      ['/api/stats/duty', `/api/stats/duty?from=${month.from}&to=${month.to}&level=village&town=${townB}`],
      [
        '/api/stats/attendance',
        `/api/stats/attendance?from=${month.from}&to=${month.to}&level=village&town=${townB}`,
      ],
      [
        '/api/stats/activities',
        `/api/stats/activities?from=${month.from}&to=${month.to}&level=village&town=${townB}`,
      ],
      ['/api/stats/study', `/api/stats/study?today=2026-11-27&level=village&station=${b1}`],
      [
        '/api/reports/:report',
        `/api/reports/duty.xlsx?from=${month.from}&to=${month.to}&level=village&town=${townB}`,
      ],
      ['/api/stats/duty', `/api/stats/duty?from=${month.from}&to=${month.to}&level=district`],
    ]
    for (const [template, path] of beyond) {
      const r = await route(template as string).as(townOp, 'GET', path as string)
      expect(r.status, path).toBe(403)
      expect(r.body.error, path).toBe('outOfScope')
      expect((await call(admin, 'GET', path as string)).status, `${path} for the district`).toBe(200)
    }
    // the figures of their own town come narrowed to it without asking
    const rows = (
      await route('/api/stats/duty').as(
        townOp,
        'GET',
        `/api/stats/duty?from=${month.from}&to=${month.to}&level=village`,
      )
    ).body.rows
    expect(rows.length).toBe(2)
    const csv = await route('/api/people/export.csv').as(townOp, 'GET', '/api/people/export.csv')
    expect(csv.body).toContain(person(a1))
    expect(csv.body).not.toContain(person(b1))
    expect(
      (
        await route('/api/activities/flags').as(
          townOp,
          'GET',
          `/api/activities/flags?from=${month.from}&to=${month.to}`,
        )
      ).status,
    ).toBe(200)
    const sample = await route('/api/inspections').as(admin, 'POST', '/api/inspections', {
      month: '2026-11',
      seed: 7,
    })
    expect(sample.status).toBe(201)
    const seen = (await route('/api/inspections/:month').as(townOp, 'GET', '/api/inspections/2026-11')).body
    expect(seen.stations.every((s: string) => townOf.get(s) === townA)).toBe(true)
  })

  it('keeps a town operator from changing another town', async () => {
    const [correctionB] = (await call(admin, 'GET', `/api/duty/corrections?station=${b1}`)).body.corrections
    const [alarmB] = (await call(admin, 'GET', `/api/alarms?station=${b1}`)).body.alarms
    const changes: [string, string, string, unknown][] = [
      [
        '/api/people',
        'PUT',
        '/api/people',
        { people: [{ personId: `${b1}-v9`, stationId: b1, name: '外镇', roles: ['villager'] }] },
      ],
      // moving someone of the other town into one's own is a change to the other town too
      [
        '/api/people',
        'PUT',
        '/api/people',
        { people: [{ personId: person(b1), stationId: a1, name: '搬来', roles: ['member'] }] },
      ],
      ['/api/people/:id', 'DELETE', `/api/people/${person(b1)}`, undefined],
      ['/api/people/:id/pin', 'PUT', `/api/people/${person(b1)}/pin`, { pin: '2580' }],
      ['/api/people/:id/pin', 'DELETE', `/api/people/${person(b1)}/pin`, undefined],
      ['/api/duty/schedules/:station', 'PUT', `/api/duty/schedules/${b1}`, { patterns: [] }],
      [
        '/api/duty/corrections',
        'POST',
        '/api/duty/corrections',
        {
          stationId: b1,
          personId: `${b1}-c001`,
          direction: 'in',
          at: '2026-11-26T01:00:00Z',
          reason: '外镇',
        },
      ],
      [
        '/api/duty/corrections/:id/decision',
        'POST',
        `/api/duty/corrections/${correctionB.id}/decision`,
        { approve: true },
      ],
      [
        '/api/activities/:id',
        'PUT',
        `/api/activities/${b1}-day`,
        { stationId: a1, kind: 'themeDay', title: '改站', date: '2026-11-25', expected: [] },
      ],
      [
        '/api/activities/:id',
        'PUT',
        `/api/activities/${b1}-new`,
        { stationId: b1, kind: 'themeDay', title: '外镇', date: '2026-11-25', expected: [] },
      ],
      [
        '/api/study/entries',
        'POST',
        '/api/study/entries',
        { personId: person(b1), hours: 2, ref: '外镇', date: '2026-11-20' },
      ],
      ['/api/alarms/:id/ack', 'POST', `/api/alarms/${alarmB.id}/ack`, undefined],
      ['/api/alarms/:id/resolve', 'POST', `/api/alarms/${alarmB.id}/resolve`, { note: '外镇' }],
    ]
    for (const [template, method, path, body] of changes) {
      const r = await route(template).as(townOp, method, path, body)
      expect(r.status, `${method} ${path}`).toBe(403)
    }
    const csv = `personId,stationId,name,roles\n${b1}-v8,${b1},外镇,villager\n`
    covered.add('/api/people/import')
    const imported = await fetch(`${hub.api}/api/people/import`, {
      method: 'POST',
      headers: { ...townOp, 'content-type': 'text/csv' },
      body: csv,
    })
    expect([400, 403]).toContain(imported.status)
    // nothing of the other town changed
    const b = (await call(admin, 'GET', `/api/people?station=${b1}`)).body.people.map((p: any) => p.personId)
    expect(b).toEqual(expect.arrayContaining([person(b1), `${b1}-c001`]))
    expect(b).not.toContain(`${b1}-v9`)
    expect((await call(admin, 'GET', `/api/alarms?station=${b1}`)).body.alarms[0]).toMatchObject({
      ackedBy: null,
      resolvedBy: null,
      clearedAt: null,
    })

    // and the same changes in their own town go through
    const [alarmA] = (await call(admin, 'GET', `/api/alarms?station=${a1}`)).body.alarms
    expect((await call(townOp, 'POST', `/api/alarms/${alarmA.id}/ack`)).body.ackedBy).toBe('town-a')
    expect(
      (await call(townOp, 'POST', `/api/alarms/${alarmA.id}/resolve`, { note: '已联系值班干部' })).body,
    ).toMatchObject({ resolvedBy: 'town-a', clearReason: 'resolved', resolveNote: '已联系值班干部' })
    expect((await call(townOp, 'PUT', `/api/people/${person(a1)}/pin`, { pin: '2580' })).status).toBe(200)
  })

  it('keeps a village cadre to their own station, and out of the town’s work', async () => {
    const stations = (await call(cadre, 'GET', '/api/stations')).body.stations.map((s: any) => s.id)
    expect(stations).toEqual([a1])
    expect((await call(cadre, 'GET', `/api/people?station=${a2}`)).status).toBe(403)
    expect(
      (await call(cadre, 'GET', `/api/stats/duty?from=${month.from}&to=${month.to}&level=town`)).status,
    ).toBe(403)
    const own = await call(cadre, 'GET', `/api/stats/duty?from=${month.from}&to=${month.to}&level=village`)
    expect(own.body.rows.map((r: any) => r.code)).toEqual([a1])
    // a cadre asks for a correction at their station; deciding it is the town's
    const asked = await call(cadre, 'POST', '/api/duty/corrections', {
      stationId: a1,
      personId: `${a1}-c001`,
      direction: 'out',
      at: '2026-11-26T09:00:00Z',
      reason: '忘记打卡',
    })
    expect(asked.status).toBe(201)
    expect(
      (await call(cadre, 'POST', `/api/duty/corrections/${asked.body.id}/decision`, { approve: true })).body
        .error,
    ).toBe('forbidden')
    expect(
      (await call(townOp, 'POST', `/api/duty/corrections/${asked.body.id}/decision`, { approve: true }))
        .status,
    ).toBe(200)
    expect((await call(cadre, 'PUT', '/api/people', { people: [] })).body.error).toBe('forbidden')
  })

  it('leaves the hub-wide views and operator management to the district', async () => {
    for (const [template, method, path, body] of [
      ['/api/stats/ingest', 'GET', '/api/stats/ingest', undefined],
      ['/api/rejects', 'GET', '/api/rejects', undefined],
      ['/api/audit', 'GET', '/api/audit', undefined],
      ['/api/inspections', 'POST', '/api/inspections', { month: '2026-10' }],
    ] as const) {
      expect((await route(template).as(townOp, method, path, body)).body.error, path).toBe('forbidden')
      expect((await call(admin, method, path, body)).status, path).toBeLessThan(300)
    }
    // a town operator manages the cadres of their town, and nobody else
    const make = (tier: string, scope: string | null, username: string) =>
      route('/api/operators').as(townOp, 'POST', '/api/operators', {
        username,
        displayName: username,
        tier,
        scope,
        password: 'a-long-password',
      })
    expect((await make('station', a2, 'cadre-a2')).status).toBe(201)
    expect((await make('station', b1, 'cadre-b1')).status).toBe(403)
    expect((await make('town', townA, 'town-a-2')).status).toBe(403)
    const visible = (await route('/api/operators').as(townOp, 'GET', '/api/operators')).body.operators.map(
      (o: any) => o.username,
    )
    expect(visible.sort()).toEqual(['cadre-a1', 'cadre-a2', 'town-a'])
    expect(
      (
        await route('/api/operators/:username').as(townOp, 'PATCH', '/api/operators/victim', {
          disabled: true,
        })
      ).status,
    ).toBe(404)
    expect(
      (await route('/api/operators/:username').as(townOp, 'PATCH', '/api/operators/cadre-a2', { scope: b1 }))
        .status,
    ).toBe(403)
    expect(
      (
        await route('/api/operators/:username').as(townOp, 'PATCH', '/api/operators/town-a', {
          tier: 'district',
          scope: null,
        })
      ).body.error,
    ).toBe('forbidden')
    // disabling an operator ends their tokens' use at once
    const cadreA2 = await operatorAuth(hub, { username: 'cadre-a2b', tier: 'station', scope: a2 })
    expect((await call(cadreA2, 'GET', '/api/stations')).status).toBe(200)
    expect((await call(townOp, 'PATCH', '/api/operators/cadre-a2b', { disabled: true })).body.disabled).toBe(
      true,
    )
    expect((await call(cadreA2, 'GET', '/api/stations')).status).toBe(401)
    const audit = (await call(admin, 'GET', '/api/audit?limit=1000')).body.entries
    expect(audit.find((e: any) => e.action === 'operator.update')).toMatchObject({ actor: 'town-a' })
  })

  it('gives every operator their own session and token routes', async () => {
    for (const who of [admin, townOp, cadre]) {
      expect((await route('/api/auth/me').as(who, 'GET', '/api/auth/me')).body.csrfToken).toBeNull()
      const made = await route('/api/auth/tokens').as(who, 'POST', '/api/auth/tokens', { name: 'script' })
      expect(made.status).toBe(201)
      const mine = (await route('/api/auth/tokens').as(who, 'GET', '/api/auth/tokens')).body.tokens
      expect(mine.some((t: any) => t.id === made.body.id)).toBe(true)
      expect(JSON.stringify(mine)).not.toContain(made.body.token)
      expect(
        (await route('/api/auth/tokens/:id').as(who, 'DELETE', `/api/auth/tokens/${made.body.id}`)).status,
      ).toBe(204)
      expect((await call({ authorization: `Bearer ${made.body.token}` }, 'GET', '/api/auth/me')).status).toBe(
        401,
      )
    }
    // someone else's token cannot be revoked by id
    const other = await route('/api/auth/tokens').as(admin, 'POST', '/api/auth/tokens', {
      name: 'admin script',
    })
    expect((await call(townOp, 'DELETE', `/api/auth/tokens/${other.body.id}`)).status).toBe(404)
    covered.add('/api/auth/login').add('/api/auth/logout').add('/api/auth/password')
    const s = await loginSession(hub.api, 'cadre-a1', 'cadre-a1-password')
    const change = (current: string, next: string) =>
      call({ cookie: s.cookie, 'x-csrf-token': s.csrf }, 'POST', '/api/auth/password', { current, next })
    expect((await change('not-it', 'a-new-long-password')).status).toBe(401)
    expect((await change('cadre-a1-password', 'a-new-long-password')).status).toBe(204)
    expect((await call({ cookie: s.cookie }, 'GET', '/api/auth/me')).status).toBe(401)
    expect((await loginSession(hub.api, 'cadre-a1', 'a-new-long-password')).csrf.length).toBeGreaterThan(20)
  })

  it('streams each operator the stations of their scope only', async () => {
    /** The first event of the live fleet stream (Server-Sent Events), then the stream is dropped. */
    const snapshot = async (who: BearerAuth) => {
      const stop = new AbortController()
      covered.add('/api/fleet/stream')
      const live = await fetch(`${hub.api}/api/fleet/stream`, { headers: who, signal: stop.signal })
      expect(live.headers.get('content-type')).toContain('text/event-stream')
      const reader = (live.body as ReadableStream<Uint8Array>).getReader()
      const decoder = new TextDecoder()
      let text = ''
      const first = /event: snapshot\ndata: (.*)\n\n/
      while (!first.test(text)) {
        const { value, done } = await reader.read()
        if (done) break
        text += decoder.decode(value, { stream: true })
      }
      const m = first.exec(text)
      stop.abort()
      return JSON.parse(m?.[1] ?? 'null') as { now: string; stations: { id: string; townCode: string }[] }
    }
    const mine = await snapshot(townOp)
    expect(new Set(mine.stations.map((s) => s.townCode))).toEqual(new Set([townA]))
    expect(mine.stations.map((s) => s.id).sort()).toEqual(ids.filter((id) => townOf.get(id) === townA).sort())
    expect((await snapshot(cadre)).stations.map((s) => s.id)).toEqual([a1])
    expect((await snapshot(admin)).stations.length).toBe(ids.length)
  })

  it('lets a town operator configure and command their town only, and a cadre read their station', async () => {
    const config = route('/api/config')
    const commands = route('/api/commands')
    const settings = { uplink: { heartbeatIntervalS: 60 } }
    // another town's station, the other town, or every station: not a town operator's
    for (const target of [{ station: b1 }, { town: townB }, { all: true }]) {
      const pushed = await config.as(townOp, 'PUT', '/api/config', { target, settings })
      expect(pushed.status, JSON.stringify(target)).toBe(403)
      const sent = await commands.as(townOp, 'POST', '/api/commands', { target, name: 'resyncRoster' })
      expect(sent.status, JSON.stringify(target)).toBe(403)
    }
    // a cadre reads, never pushes nor commands, even their own station
    expect((await config.as(cadre, 'PUT', '/api/config', { target: { station: a1 }, settings })).status).toBe(
      403,
    )
    expect(
      (await commands.as(cadre, 'POST', '/api/commands', { target: { station: a1 }, name: 'restartAgent' }))
        .status,
    ).toBe(403)
    // their own town they may: one version and one command per station of it
    const pushed = await config.as(townOp, 'PUT', '/api/config', { target: { town: townA }, settings })
    expect(pushed.status).toBe(200)
    expect(pushed.body.pushed.map((p: { stationId: string }) => townOf.get(p.stationId))).toEqual([
      townA,
      townA,
    ])
    const sent = await commands.as(townOp, 'POST', '/api/commands', {
      target: { station: a2 },
      name: 'resyncRoster',
    })
    expect(sent.status).toBe(201)
    // the district reaches everything
    expect(
      (await config.as(admin, 'PUT', '/api/config', { target: { all: true }, settings })).body.pushed,
    ).toHaveLength(ids.length)
    // reads are narrowed to the scope, and a filter beyond it refused
    const mine = (await config.as(townOp, 'GET', '/api/config')).body.stations
    expect(stationsIn(mine)).toEqual(new Set([townA]))
    expect((await config.as(townOp, 'GET', `/api/config?town=${townB}`)).status).toBe(403)
    expect(
      (await config.as(cadre, 'GET', '/api/config')).body.stations.map(
        (s: { stationId: string }) => s.stationId,
      ),
    ).toEqual([a1])
    expect((await config.as(cadre, 'GET', `/api/config?station=${a2}`)).status).toBe(403)
    // a station's versions, newest first: the town's push, then the district's
    const history = route('/api/config/history')
    const versions = (await history.as(townOp, 'GET', `/api/config/history?station=${a1}`)).body.versions
    expect(versions.map((v: { issuedBy: string }) => v.issuedBy)).toEqual(['admin', 'town-a'])
    expect((await history.as(townOp, 'GET', `/api/config/history?station=${b1}`)).status).toBe(403)
    expect((await history.as(cadre, 'GET', `/api/config/history?station=${a1}`)).status).toBe(200)
    // without a station: every station of the scope, and no other
    const townWide = (await history.as(townOp, 'GET', '/api/config/history')).body.versions
    expect(stationsIn(townWide)).toEqual(new Set([townA]))
    expect((await history.as(townOp, 'GET', `/api/config/history?town=${townB}`)).status).toBe(403)
    expect(stationsIn((await commands.as(townOp, 'GET', '/api/commands')).body.commands)).toEqual(
      new Set([townA]),
    )
    expect((await commands.as(townOp, 'GET', `/api/commands?station=${b1}`)).status).toBe(403)
    expect((await commands.as(cadre, 'GET', '/api/commands')).body.commands).toEqual([])
  })

  it('lets only district operators revoke and unrevoke a station, audited', async () => {
    const revoke = route('/api/stations/:id/revoke')
    const unrevoke = route('/api/stations/:id/unrevoke')
    const list = route('/api/revocations')
    const reason = { reason: 'lost' }
    // not even a town operator for a station of their own town, nor its cadre
    expect((await revoke.as(townOp, 'POST', `/api/stations/${a1}/revoke`, reason)).status).toBe(403)
    expect((await revoke.as(cadre, 'POST', `/api/stations/${a1}/revoke`, reason)).status).toBe(403)
    expect((await list.as(townOp, 'GET', '/api/revocations')).status).toBe(403)
    const done = await revoke.as(admin, 'POST', `/api/stations/${a1}/revoke`, reason)
    expect(done.status).toBe(200)
    expect(done.body).toMatchObject({ revocation: { stationId: a1, source: 'hub', reason: 'lost' } })
    expect((await list.as(admin, 'GET', '/api/revocations')).body.revocations).toHaveLength(1)
    expect((await unrevoke.as(townOp, 'POST', `/api/stations/${a1}/unrevoke`)).status).toBe(403)
    expect((await unrevoke.as(admin, 'POST', `/api/stations/${a1}/unrevoke`)).body).toEqual({
      stationId: a1,
      revoked: false,
    })
    expect((await unrevoke.as(admin, 'POST', `/api/stations/${a1}/unrevoke`)).status).toBe(404)
    expect((await list.as(admin, 'GET', '/api/revocations')).body.revocations).toEqual([])
    const audit = (await call(admin, 'GET', '/api/audit?limit=20')).body.entries as { action: string }[]
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['station.revoke', 'station.unrevoke']))
  })

  it('shows journal findings within scope, and lets only district operators re-pin a key, audited', async () => {
    const findings = route('/api/integrity')
    const reset = route('/api/stations/:id/journal-key/reset')
    // a1 and b1 each send a signed batch with one event edited after signing
    for (const id of [a1, b1]) {
      const config = district.configs.find((c) => c.station.id === id)
      const kiosk = await connectStation(hub.mqttUrl, id, config?.hub.password ?? '')
      const key = newJournalKey()
      const [first, second] = signedChain([checkinEvent(id, 1), checkinEvent(id, 2)], key)
      const edited = { ...second, body: { personId: 'p-9', method: 'card' } }
      const ack = kiosk.nextAck()
      await kiosk.client.publishAsync(
        stationTopic(id, 'events'),
        codecs.events.encode({
          sentAt: new Date(now).toISOString(),
          key: key.publicKey,
          events: [first, edited] as Event[],
        }),
        { qos: 1 },
      )
      expect((await ack).rejected.map((r) => r.code)).toEqual(['badSignature'])
      await kiosk.close()
    }
    const kinds = async (who: BearerAuth, query = '') =>
      (await findings.as(who, 'GET', `/api/integrity${query}`)).body.findings?.map(
        (f: { stationId: string; kind: string }) => `${f.stationId}:${f.kind}`,
      )
    await until('four findings', async () => ((await kinds(admin))?.length === 4 ? true : undefined))
    expect(await kinds(townOp)).toEqual([`${a1}:badSignature`, `${a1}:keyPinned`])
    expect(await kinds(cadre)).toEqual([`${a1}:badSignature`, `${a1}:keyPinned`])
    expect((await findings.as(townOp, 'GET', `/api/integrity?town=${townB}`)).status).toBe(403)
    expect((await findings.as(cadre, 'GET', `/api/integrity?station=${a2}`)).status).toBe(403)
    const reason = { reason: 'kiosk reinstalled after a disk failure' }
    expect((await reset.as(townOp, 'POST', `/api/stations/${a1}/journal-key/reset`, reason)).status).toBe(403)
    const done = await reset.as(admin, 'POST', `/api/stations/${a1}/journal-key/reset`, reason)
    expect(done.body).toEqual({ stationId: a1, previousKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) })
    const audit = (await call(admin, 'GET', '/api/audit?limit=20')).body.entries as { action: string }[]
    expect(audit.map((e) => e.action)).toContain('station.journalKey.reset')
  })

  it('audits every change an operator makes, on every route that changes anything', async () => {
    const doc = (await call(undefined, 'GET', '/api/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>
    }
    // photo uploads are a kiosk's, by station login (photos.test.ts); a login has no operator yet
    const exempt = new Set(['PUT /api/stations/{stationId}/photos/{photoId}', 'POST /api/auth/login'])
    // the changes the tests above only see refused, made here by an operator allowed to
    const before = await newestAudit()
    const imported = await fetch(`${hub.api}/api/people/import`, {
      method: 'POST',
      headers: { ...townOp, 'content-type': 'text/csv' },
      body: `站点编码,人员编号,姓名,角色,卡号,二维码,指纹页号\n${a1},${a1}-v8,本镇,群众,,,\n`,
    })
    expect(imported.status, await imported.clone().text()).toBe(200)
    changes.push({ method: 'POST', path: '/api/people/import', audited: (await newestAudit()) !== before })
    const study = { personId: person(a1), hours: 2, ref: '党史学习', date: '2026-11-20' }
    expect((await call(townOp, 'POST', '/api/study/entries', study)).status).toBe(201)
    expect((await call(townOp, 'DELETE', `/api/people/${person(a1)}/pin`)).status).toBe(200)
    expect((await call(townOp, 'DELETE', `/api/people/${a1}-v8`)).status).toBeLessThan(300)
    const mutating = Object.entries(doc.paths).flatMap(([template, methods]) =>
      Object.keys(methods)
        .filter((m) => m !== 'get')
        .map((m) => ({ key: `${m.toUpperCase()} ${template}`, method: m.toUpperCase(), template })),
    )
    const matches = (template: string, path: string) =>
      new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`).test(path)
    const unaudited = changes.filter((c) => !c.audited).map((c) => `${c.method} ${c.path}`)
    const neverChanged = mutating
      .filter((r) => !exempt.has(r.key))
      .filter((r) => !changes.some((c) => c.method === r.method && matches(r.template, c.path)))
      .map((r) => r.key)
    expect(unaudited).toEqual([])
    expect(neverChanged).toEqual([])
    expect(changes.length).toBeGreaterThan(mutating.length)
  })

  it('covers every route of the API document', async () => {
    // photos are tested in photos.test.ts (upload by station login, reads by scope)
    covered
      .add('/api/photos/:photoId')
      .add('/api/photos/:photoId/thumb')
      .add('/api/stations/:stationId/photos/:photoId')
    covered.add('/api/health')
    const doc = (await call(undefined, 'GET', '/api/openapi.json')).body
    const templates = Object.keys(doc.paths).map((p) => p.replace(/\{(\w+)\}/g, ':$1'))
    expect(templates.filter((t) => !covered.has(t))).toEqual([])
    // and each of them, but the public ones, turns away a caller without a login
    const open = new Set(['/api/health', '/api/auth/login', '/api/stations/:stationId/photos/:photoId'])
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      const template = path.replace(/\{(\w+)\}/g, ':$1')
      if (open.has(template)) continue
      const concrete = path.replace(/\{(\w+)\}/g, (_, name) =>
        name === 'id' ? '1' : name === 'report' ? 'duty.csv' : 'x',
      )
      for (const method of Object.keys(methods)) {
        const r = await call(undefined, method.toUpperCase(), concrete)
        expect(r.status, `${method} ${path}`).toBe(401)
      }
    }
  })
})

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Plugin } from 'vite'
import type { AlarmView, StationView } from '../src/api/types.js'
import { fakeControlRoutes } from './fakeControl.js'
import { fakeRecordRoutes } from './fakeRecords.js'
import { prng, syntheticDistrict } from './syntheticFleet.js'

const KEEP_ALIVE_MS = 15_000
const TICK_MS = 1000
const OPERATOR = {
  username: 'admin',
  displayName: '区级值班员',
  tier: 'district',
  scope: null,
  disabled: false,
}
const CSRF = 'fake-csrf'

/**
 * An in-memory hub for `vite dev`: the routes the dashboard calls, over a synthetic district
 * that keeps reporting (a heartbeat from one station in thirty every second, now and then a
 * station dropping off), its records, figures and audit trail (dev/fakeRecords.ts), and remote
 * config and commands answered by fake kiosks (dev/fakeControl.ts).
 * Login takes any password but `wrong` (401) and the user `locked` (429).
 */
export function fakeHub(opts: { stations: number }): Plugin {
  return {
    name: 'ejia-fake-hub',
    configureServer(server) {
      const district = syntheticDistrict(opts.stations, Date.now())
      const byId = new Map(district.stations.map((s) => [s.id, s]))
      const records = fakeRecordRoutes(district.stations, district.people)
      const control = fakeControlRoutes(() => district.stations, OPERATOR.username)
      const streams = new Set<ServerResponse>()
      const rnd = prng(11)
      let alarms: AlarmView[] = district.alarms
      let loggedIn = false
      const tick = setInterval(() => {
        const now = Date.now()
        const changed: StationView[] = []
        for (const s of district.stations) {
          if (s.status === 'never') continue
          if (s.status === 'online' && rnd() < 1 / 30) {
            const next = { ...s, lastSeen: new Date(now).toISOString(), lastSeenAgeS: 0 }
            if (rnd() < 0.01) Object.assign(next, { status: 'offline', offlineReason: 'connectionLost' })
            changed.push(next)
          } else if (s.status === 'offline' && rnd() < 0.002) {
            changed.push({
              ...s,
              status: 'online',
              offlineReason: null,
              lastSeen: new Date(now).toISOString(),
            })
          }
        }
        for (const v of changed) byId.set(v.id, v)
        district.stations = district.stations.map((s) => byId.get(s.id) as StationView)
        for (const res of streams)
          for (const v of changed) res.write(`event: station\ndata: ${JSON.stringify(v)}\n\n`)
      }, TICK_MS)
      const keepAlive = setInterval(() => {
        for (const res of streams) res.write(': keep-alive\n\n')
      }, KEEP_ALIVE_MS)
      server.httpServer?.on('close', () => {
        clearInterval(tick)
        clearInterval(keepAlive)
      })

      const json = (res: ServerResponse, status: number, body: unknown) => {
        res.statusCode = status
        res.setHeader('content-type', 'application/json; charset=utf-8')
        res.end(body === null ? '' : JSON.stringify(body))
      }
      const readJson = (req: IncomingMessage) =>
        new Promise<Record<string, unknown>>((resolve) => {
          let text = ''
          req.on('data', (c) => {
            text += c
          })
          req.on('end', () => resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {}))
        })

      server.middlewares.use(async (req, res, next) => {
        const url = new URL(req.url ?? '/', 'http://fake')
        const path = url.pathname
        if (!path.startsWith('/api/')) return next()
        if (path === '/api/auth/login' && req.method === 'POST') {
          const body = await readJson(req)
          if (body.username === 'locked')
            return json(res, 429, { error: 'locked', message: 'locked for 15 minutes' })
          if (body.password === 'wrong')
            return json(res, 401, { error: 'badLogin', message: 'bad username or password' })
          loggedIn = true
          return json(res, 200, { operator: OPERATOR, csrfToken: CSRF })
        }
        if (path === '/api/openapi.json') return json(res, 200, { paths: {} })
        if (!loggedIn) return json(res, 401, { error: 'loginRequired', message: 'log in first' })
        if (req.method !== 'GET' && req.headers['x-csrf-token'] !== CSRF)
          return json(res, 403, { error: 'csrf', message: 'missing CSRF token' })
        if (path === '/api/auth/logout') {
          loggedIn = false
          return json(res, 204, null)
        }
        if (path === '/api/auth/me') return json(res, 200, { operator: OPERATOR, csrfToken: CSRF })
        if (path === '/api/fleet/stream') {
          res.writeHead(200, {
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache',
          })
          res.write('retry: 3000\n\n')
          const snapshot = { now: new Date().toISOString(), stations: district.stations }
          res.write(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`)
          streams.add(res)
          req.on('close', () => streams.delete(res))
          return
        }
        if (path === '/api/duty/now')
          return json(res, 200, {
            stations: district.duty,
            unmanned: district.duty.filter((d) => d.unmanned).map((d) => d.stationId),
          })
        if (path === '/api/people') return json(res, 200, { people: records.people })
        const reply = (a: { status: number; body: unknown }) => json(res, a.status, a.body)
        if (path === '/api/config' && req.method === 'PUT')
          return reply(control.put((await readJson(req)) as never))
        if (path === '/api/commands' && req.method === 'POST')
          return reply(control.post((await readJson(req)) as never))
        const controlAnswer = req.method === 'GET' ? control.get(path) : null
        if (controlAnswer) return reply(controlAnswer)
        const answer = req.method === 'GET' ? records.answer(path, url.searchParams) : null
        if (answer) {
          if (!answer.type) return json(res, answer.status, answer.body)
          res.statusCode = answer.status
          res.setHeader('content-type', answer.type)
          return res.end(answer.body as string)
        }
        if (path === '/api/alarms') {
          const active = url.searchParams.get('active') === 'true'
          return json(res, 200, { alarms: alarms.filter((a) => !active || a.clearedAt === null) })
        }
        const ack = /^\/api\/alarms\/(\d+)\/ack$/.exec(path)
        if (ack && req.method === 'POST') {
          const id = Number(ack[1])
          const at = new Date().toISOString()
          alarms = alarms.map((a) =>
            a.id === id && !a.ackedBy ? { ...a, ackedBy: OPERATOR.username, ackedAt: at } : a,
          )
          const a = alarms.find((x) => x.id === id)
          return a
            ? json(res, 200, { id, ackedBy: a.ackedBy, ackedAt: a.ackedAt })
            : json(res, 404, { error: 'notFound', message: `no alarm ${id}` })
        }
        return json(res, 404, { error: 'Not Found', message: `fake hub: no route ${req.method} ${path}` })
      })
    },
  }
}

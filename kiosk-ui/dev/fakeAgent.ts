import type { IncomingMessage, ServerResponse } from 'node:http'
import Type from 'typebox'
import type { Plugin } from 'vite'
import { FAKE_CONFIG, type FakeConfig } from './fakeConfig.js'
import { isEnrolmentText } from './fakeEnrolment.js'
import { FACE_SCRIPTS, type FaceScript, FakeFace } from './fakeFace.js'
import { FakeKiosk, FakeRefusal, todayAt } from './fakeKiosk.js'
import { apiRoutes } from './fakeRoutes.js'
import { loadFixtures } from './fixtures.js'
import { type Answer, jsonBody, match, ok, type Req, type Route, readBody, refusal, send } from './http.js'

/** edge kioskRoutes.ts: a comment line this often keeps a quiet stream open. */
const KEEPALIVE_MS = 15_000

const cardBody = jsonBody<{ credential: string }>(Type.Object({ credential: Type.String({ minLength: 1 }) }))
const readBodyOf = jsonBody<{ method: 'card' | 'qr' | 'fingerprint'; credential: string; device?: string }>(
  Type.Object({
    method: Type.Union([Type.Literal('card'), Type.Literal('qr'), Type.Literal('fingerprint')]),
    credential: Type.String({ minLength: 1 }),
    device: Type.Optional(Type.String()),
  }),
)
const hubBody = jsonBody<{ connected?: boolean; backlog?: number }>(
  Type.Object({
    connected: Type.Optional(Type.Boolean()),
    backlog: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
)
const faultBody = jsonBody<{ device: string; code?: string; message?: string; clear?: boolean }>(
  Type.Object({
    device: Type.String({ minLength: 1 }),
    code: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
    clear: Type.Optional(Type.Boolean()),
  }),
)
const faceBody = jsonBody<{ outcome?: FaceScript['outcome']; personId?: string; enabled?: boolean }>(
  Type.Object({
    outcome: Type.Optional(Type.Union(FACE_SCRIPTS.map((s) => Type.Literal(s)))),
    personId: Type.Optional(Type.String()),
    enabled: Type.Optional(Type.Boolean()),
  }),
)
const clockBody = jsonBody<{ at?: string | null; localTime?: string }>(
  Type.Object({
    at: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    localTime: Type.Optional(Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' })),
  }),
)

/**
 * The edge agent's local API (docs/KIOSK.md) in memory, for `vite dev` and the browser tests:
 * state from protocol/fixtures, the same shapes and error codes as edge/src/adapters/http. Under
 * `/__fake/` it takes what the hardware and the hub would do: a card held to the reader, the hub
 * link going down, a reader in fault, how the next face session ends, the agent's clock.
 */
export function createFakeAgent(overrides: Partial<FakeConfig> = {}) {
  const config = { ...FAKE_CONFIG, ...overrides }
  const clients = new Set<ServerResponse>()
  const emit = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
    for (const res of clients) res.write(frame)
  }
  let kiosk!: FakeKiosk
  let face!: FakeFace
  let routes: Record<string, Route> = {}
  const start = () => {
    kiosk?.close()
    kiosk = new FakeKiosk(config, loadFixtures())
    face = new FakeFace({
      config,
      now: () => kiosk.now(),
      signIn: (personId, activityId, score) => kiosk.face(personId, activityId, score),
      emit: (u) => emit('face', u),
    })
    kiosk.onSignIn((o) => emit('signin', { ...o, at: new Date(kiosk.now()).toISOString() }))
    kiosk.onEnrol((a) => emit('enrol', { ...a, at: new Date(kiosk.now()).toISOString() }))
    routes = { ...apiRoutes(kiosk, face), ...controls() }
  }

  const controls = (): Record<string, Route> => ({
    'GET /api/stream': (req, res) => {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      })
      res.write('retry: 1000\n\n')
      clients.add(res)
      req.raw.on('close', () => clients.delete(res))
      return 'hijacked'
    },
    'GET /__fake/state': () =>
      ok({
        mode: kiosk.currentMode(),
        connected: kiosk.connected,
        clock: new Date(kiosk.now()).toISOString(),
        face: { enabled: face.enabled, script: face.script },
        journal: kiosk.journal,
        streamClients: clients.size,
      }),
    'POST /__fake/reset': () => {
      start()
      return ok({ reset: true })
    },
    'POST /__fake/card': (req) => ok(kiosk.read('reader', 'card', cardBody(req).credential)),
    'POST /__fake/read': (req) => {
      const b = readBodyOf(req)
      const device = b.device ?? config.devices.find((d) => d.kind === b.method)?.name ?? b.method
      // the enrolment sheet's code is checked, never read as a credential (edge devices.ts)
      if (b.method === 'qr' && isEnrolmentText(b.credential))
        return ok(kiosk.enrolCheck(b.credential, device))
      return ok(kiosk.read(device, b.method, b.credential))
    },
    'POST /__fake/hub': (req) => {
      const b = hubBody(req)
      kiosk.setHub(b.connected ?? kiosk.connected, b.backlog)
      return ok(kiosk.status())
    },
    'POST /__fake/fault': (req) => {
      const b = faultBody(req)
      kiosk.setFault(
        b.device,
        b.clear ? null : { code: b.code ?? 'fault', message: b.message ?? 'fault (fake)' },
      )
      return ok({ faults: kiosk.status().health.faults, devices: kiosk.devices() })
    },
    'POST /__fake/face': (req) => {
      const b = faceBody(req)
      if (b.enabled !== undefined) face.enabled = b.enabled
      if (b.outcome === 'accept') {
        const personId = b.personId ?? `${config.station.id}-m001`
        face.script = { outcome: 'accept', personId }
      } else if (b.outcome) face.script = { outcome: b.outcome }
      return ok({ enabled: face.enabled, script: face.script })
    },
    'POST /__fake/clock': (req) => {
      const b = clockBody(req)
      if (b.localTime) kiosk.setClock(todayAt(b.localTime))
      else if (b.at !== undefined) kiosk.setClock(b.at === null ? null : Date.parse(b.at))
      return ok({ clock: new Date(kiosk.now()).toISOString() })
    },
  })

  start()
  const keepalive = setInterval(() => {
    for (const res of clients) res.write(': keepalive\n\n')
  }, KEEPALIVE_MS).unref()

  const handle = async (raw: IncomingMessage, res: ServerResponse, next: () => void) => {
    const url = new URL(raw.url ?? '/', 'http://fake')
    if (!url.pathname.startsWith('/api/') && !url.pathname.startsWith('/__fake/')) return next()
    const method = raw.method ?? 'GET'
    let answer: Answer
    try {
      const found = Object.entries(routes).flatMap(([key, route]) => {
        const [m, pattern] = key.split(' ') as [string, string]
        const params = m === method ? match(pattern, url.pathname) : undefined
        return params ? [{ route, params }] : []
      })[0]
      if (!found) throw new FakeRefusal(404, 'notFound', `Route ${method}:${url.pathname} not found`)
      const req: Req = {
        method,
        path: url.pathname,
        params: found.params,
        query: url.searchParams,
        type: (raw.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '',
        body: method === 'GET' ? Buffer.alloc(0) : await readBody(raw),
        raw,
      }
      answer = await found.route(req, res)
    } catch (err) {
      answer = refusal(err)
    }
    if (answer !== 'hijacked') send(res, answer.status, answer.body)
  }

  const close = () => {
    clearInterval(keepalive)
    kiosk.close()
    for (const res of clients) res.end()
    clients.clear()
  }

  return { handle, close, kiosk: () => kiosk, face: () => face }
}

/** The fake agent as a Vite plugin: `EJIA_FAKE=1 vite` (npm run dev:fake -w kiosk-ui). */
export function fakeAgent(overrides: Partial<FakeConfig> = {}): Plugin {
  return {
    name: 'ejia-fake-agent',
    configureServer(server) {
      const agent = createFakeAgent(overrides)
      server.middlewares.use((req, res, next) => void agent.handle(req, res, next))
      server.httpServer?.on('close', agent.close)
    },
  }
}

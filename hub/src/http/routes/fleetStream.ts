import Type from 'typebox'
import { FleetFeed } from '../../fleet/fleetFeed.js'
import type { Api, ApiDeps } from '../api.js'
import { SESSION_COOKIE } from '../auth.js'

/** A comment line every so often keeps proxies and the browser from closing a quiet stream. */
export const KEEP_ALIVE_MS = 15_000
/** A dashboard that stops reading is cut off past this much unsent; it reconnects to a fresh snapshot. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024
/** How long EventSource waits before reconnecting (the SSE `retry` field). */
const RETRY_MS = 3000

/**
 * `GET /api/fleet/stream`: the dashboard's live view of the fleet, as Server-Sent Events
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html). First `snapshot` with
 * `{ now, stations }` (every station in the operator's scope; `now` is the hub clock, for
 * ticking ages), then `station` with a station's new view whenever it changes, at most once
 * a second per station, and a keep-alive comment every 15 s. The login is checked again at
 * each keep-alive: a stream outlives neither its session nor its token.
 */
export function fleetStreamRoutes(app: Api, deps: ApiDeps): void {
  let feed: FleetFeed | undefined
  const closers = new Set<() => void>()
  // open streams would hold the server's close forever
  app.addHook('preClose', (done) => {
    for (const close of closers) close()
    feed?.stop()
    done()
  })

  app.get(
    '/api/fleet/stream',
    {
      schema: {
        summary: "Live station views in the operator's scope, as Server-Sent Events",
        description:
          'text/event-stream. Event `snapshot`: {now, stations: StationView[]}; then event `station`: ' +
          'one StationView each time a station changes (status, heartbeat, events; at most once a ' +
          'second per station); a `:` comment line every 15 s. Reconnect for a fresh snapshot.',
        response: {
          200: {
            description: 'An endless event stream',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
        },
      },
    },
    async (req, reply) => {
      feed ??= new FleetFeed(deps.fleet)
      const scope = req.scope
      const session = req.cookies[SESSION_COOKIE]
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
      const stillLoggedIn = async () =>
        token !== undefined
          ? (await deps.accounts.tokenOperator(token)) !== undefined
          : session !== undefined && (await deps.accounts.session(session)) !== undefined

      reply.hijack()
      const res = reply.raw
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // nginx and friends would otherwise hold events back in their buffers
        'x-accel-buffering': 'no',
      })
      let open = true
      let unsubscribe = () => {}
      let keepAlive: NodeJS.Timeout | undefined
      const close = () => {
        if (!open) return
        open = false
        clearInterval(keepAlive)
        unsubscribe()
        closers.delete(close)
        res.end()
      }
      const send = (event: string, data: unknown) => {
        if (!open) return
        res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
        if (res.writableLength > MAX_BUFFERED_BYTES) {
          req.log.warn({ buffered: res.writableLength }, 'fleet stream not read; closed')
          close()
        }
      }
      res.write(`retry: ${RETRY_MS}\n\n`)
      unsubscribe = feed.subscribe((views) => {
        for (const v of views) if (scope.allowsStation(v.id)) send('station', v)
      })
      keepAlive = setInterval(() => {
        if (!open) return
        res.write(': keep-alive\n\n')
        stillLoggedIn().then(
          (ok) => ok || close(),
          () => close(),
        )
      }, KEEP_ALIVE_MS)
      send('snapshot', {
        now: new Date(deps.now()).toISOString(),
        stations: deps.fleet.list().filter((v) => scope.allowsStation(v.id)),
      })
      closers.add(close)
      req.raw.on('close', close)
      res.on('error', close)
    },
  )
}

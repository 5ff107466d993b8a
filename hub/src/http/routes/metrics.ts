import type { Api, ApiDeps } from '../api.js'

const BEARER = /^Bearer\s+(\S+)$/i

/**
 * `GET /metrics` for Prometheus, outside /api (so the operator login hook leaves it alone)
 * and outside the API document. The hub's HTTP may be reached through the control
 * centre's proxy, so by default a scrape needs the API token of a district operator
 * (Prometheus: `authorization: { credentials_file: … }`); with the hub option
 * `metricsPublic` it is open, for a scraper on a private network. Also times every HTTP
 * request by route template.
 */
export function metricsRoutes(app: Api, deps: ApiDeps): void {
  const metrics = deps.metrics
  if (!metrics) return
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched'
    metrics.observeHttp(req.method, route, reply.statusCode, reply.elapsedTime / 1000)
  })

  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    if (!deps.metricsPublic) {
      const token = BEARER.exec(req.headers.authorization ?? '')?.[1]
      const op = token ? await deps.accounts.tokenOperator(token) : undefined
      if (!op) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: 'badToken', message: 'metrics need the API token of a district operator' })
      }
      if (op.tier !== 'district')
        return reply.code(403).send({ error: 'forbidden', message: 'metrics are for district operators' })
    }
    const text = await metrics.scrape({
      counters: () => deps.counters.totals(() => deps.storage.counters()),
      stations: () => deps.fleet.list(),
      brokerClients: () => deps.brokerInfo().clients,
      ...(deps.brokerThrottles ? { stationThrottles: deps.brokerThrottles } : {}),
      queuedEvents: () => deps.committer.depth(),
      openAlarms: () => deps.alarms.openCounts(),
    })
    return reply.type(metrics.registry.contentType).send(text)
  })
}

import { createServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { FastifyServerFactory } from 'fastify'
import type { Api } from './api.js'

/** The hub's server certificate and key (PEM), the same its mqtts listener shows. */
export interface HttpsFiles {
  cert: Buffer | string
  key: Buffer | string
}

/**
 * The HTTPS server of the API and dashboard (issue 10), for Fastify's `serverFactory`. No
 * client certificate: operators log in with their passwords, kiosks upload photos with
 * their secrets.
 */
export function httpsServerFactory(tls: HttpsFiles): FastifyServerFactory {
  return (handler, opts) => {
    const server = createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, handler)
    // what Fastify sets on the servers it makes itself
    if (typeof opts.keepAliveTimeout === 'number') server.keepAliveTimeout = opts.keepAliveTimeout
    return server
  }
}

/**
 * HSTS on every HTTPS answer (RFC 6797): a browser that has once reached the dashboard over
 * HTTPS will not send a session cookie over plain HTTP to that host again. Left off when the
 * same host also serves plain HTTP (lab mode), which it would otherwise make unreachable.
 */
export function sendHsts(app: Api): void {
  app.addHook('onSend', async (req, reply) => {
    if (req.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000')
  })
}

export interface ApiListeners {
  /** Plain HTTP, lab mode only; 0 when off. */
  httpPort: number
  /** HTTPS with the hub's certificate; null without one. */
  httpsPort: number | null
  close(): Promise<void>
}

/**
 * Starts serving the API: over HTTPS on `httpsPort` when the app was made with the hub's
 * certificate, and over plain HTTP on `httpPort` when `plain` (a lab). A plain server beside
 * HTTPS runs Fastify's own request handler (`app.routing`), so both serve the same routes,
 * hooks and logins.
 */
export async function listenApi(
  app: Api,
  opts: { host: string; https: boolean; httpsPort: number; plain: boolean; httpPort: number },
): Promise<ApiListeners> {
  if (!opts.https && !opts.plain) throw new RangeError('the API needs HTTPS, or plain HTTP in lab mode')
  const bound = (server: Server | undefined, fallback: number) => {
    const address = server?.address()
    return typeof address === 'object' && address ? address.port : fallback
  }
  await app.listen({ host: opts.host, port: opts.https ? opts.httpsPort : opts.httpPort })
  const main = bound(app.server, 0)
  if (!opts.https) return { httpPort: main, httpsPort: null, close: () => app.close() }

  let plain: Server | undefined
  if (opts.plain) {
    const server = createServer((req, res) => app.routing(req, res))
    plain = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host: opts.host, port: opts.httpPort }, () => resolve())
    }).catch(async (err: unknown) => {
      await app.close()
      throw err
    })
  }
  return {
    httpPort: bound(plain, 0),
    httpsPort: main,
    async close() {
      const closed = plain && new Promise<void>((resolve) => plain?.close(() => resolve()))
      // the app's preClose ends the open fleet streams of both servers
      await app.close()
      plain?.closeAllConnections()
      await closed
    },
  }
}

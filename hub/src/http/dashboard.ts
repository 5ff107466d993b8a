import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { Api } from './api.js'

/** hub/dashboard/dist: the same two levels up from src/http and from dist/http. */
export const DASHBOARD_DIST = fileURLToPath(new URL('../../dashboard/dist/', import.meta.url))

const NOT_BUILT =
  'ejia 控制中心：操作台尚未构建。请在项目根目录运行 `npm run build`，然后重新启动 hub。\n' +
  'The operators’ dashboard is not built: run `npm run build` at the project root, then restart the hub.\n'

/**
 * The operators' dashboard (hub/dashboard, built by Vite) at `/`, with its assets. Its files
 * are public, so the login page loads; the API behind it is not. Any other GET outside /api
 * answers index.html, so the dashboard's own paths (/fleet, /alarms…) survive a reload.
 * `dir` null serves no dashboard at all.
 */
export async function serveDashboard(app: Api, dir: string | null = DASHBOARD_DIST): Promise<void> {
  const built = dir !== null && existsSync(join(dir, 'index.html'))
  if (built) {
    await app.register(fastifyStatic, {
      root: dir,
      // ours, below: the plugin's default would let a browser keep a stale index.html
      cacheControl: false,
      setHeaders: (res, path) => {
        // Vite names assets by content hash; index.html names the current ones
        res.setHeader(
          'cache-control',
          path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
        )
      },
    })
  }
  app.setNotFoundHandler((req, reply) => {
    const page = (req.method === 'GET' || req.method === 'HEAD') && !/^\/api(\/|$|\?)/.test(req.url)
    if (!page || dir === null) {
      return reply
        .code(404)
        .send({ error: 'Not Found', message: `Route ${req.method}:${req.url} not found`, statusCode: 404 })
    }
    if (!built) return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT)
    return reply.header('cache-control', 'no-cache').sendFile('index.html')
  })
}

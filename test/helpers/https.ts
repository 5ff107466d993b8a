import { request } from 'node:https'

/**
 * A `fetch` that trusts only the given CA, for a hub serving HTTPS with a certificate from
 * the district CA. Node's own fetch trusts the system store, or NODE_EXTRA_CA_CERTS read once
 * at process start, and takes no CA per request without undici. String URLs, plain-object
 * headers and string or byte bodies only: what the tests send.
 */
export function caFetch(ca: Buffer | string): typeof fetch {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const body = init?.body
      if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array))
        throw new TypeError('caFetch sends string or byte bodies only')
      const req = request(
        String(input),
        {
          method: init?.method ?? 'GET',
          headers: (init?.headers ?? {}) as Record<string, string>,
          ca,
          // no keep-alive: a socket left open would hold the hub's close
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () => {
            const headers = new Headers()
            for (const [name, value] of Object.entries(res.headers))
              for (const one of [value ?? []].flat()) headers.append(name, one)
            const status = res.statusCode ?? 0
            // a Response of these statuses may not have a body
            const empty = status === 204 || status === 205 || status === 304
            resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers }))
          })
        },
      )
      req.on('error', reject)
      req.end(body ?? undefined)
    })
}

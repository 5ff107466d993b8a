import type { IncomingMessage, ServerResponse } from 'node:http'
import { toWireErrors } from '@ejia/protocol'
import type { TSchema } from 'typebox'
import { Compile } from 'typebox/compile'
import { FakeRefusal } from './fakeKiosk.js'

/** A request as a route sees it: the path's parameters, the query, the body as bytes. */
export interface Req {
  method: string
  path: string
  params: Record<string, string>
  query: URLSearchParams
  type: string
  body: Buffer
  raw: IncomingMessage
}

/** What a route answers: a status and a JSON body; `null` for 204, `'hijacked'` for a stream. */
export type Answer = { status: number; body: unknown } | 'hijacked'
export type Route = (req: Req, res: ServerResponse) => Answer | Promise<Answer>

export const ok = (body: unknown, status = 200): Answer => ({ status, body })

/** The edge agent's bodies are JSON up to 64 kB; enrolment takes up to 12 MB of base64 images. */
const MAX_BODY = 16 * 1024 * 1024

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        reject(new FakeRefusal(413, 'tooLarge', 'the body is too large'))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/**
 * A JSON body checked against a TypeBox schema, refused the way Fastify refuses it on the
 * agent (400, `FST_ERR_VALIDATION`): the UI must cope with that shape too.
 */
export function jsonBody<T>(schema: TSchema): (req: Req) => T {
  const validator = Compile(schema)
  return (req) => {
    let value: unknown
    try {
      value = req.body.length === 0 ? undefined : JSON.parse(req.body.toString('utf8'))
    } catch {
      throw new FastifyError(400, 'FST_ERR_CTP_INVALID_JSON_BODY', 'Bad Request', 'Body is not valid JSON')
    }
    if (!validator.Check(value)) {
      const first = toWireErrors(validator.Errors(value))[0]
      const message = `body${first?.path ?? ''} ${first?.message ?? 'is invalid'}`
      throw new FastifyError(400, 'FST_ERR_VALIDATION', 'Bad Request', message)
    }
    return value as T
  }
}

/** Fastify's own error shape: `{ statusCode, code, error, message }`. */
export class FastifyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly error: string,
    message: string,
  ) {
    super(message)
  }
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  if (status === 204 || body === null) {
    res.writeHead(status === 200 ? 204 : status, { 'cache-control': 'no-store' })
    res.end()
    return
  }
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  })
  res.end(text)
}

/** Turns what a route threw into the agent's answer: `{ error, message }` with its status. */
export function refusal(err: unknown): { status: number; body: unknown } {
  if (err instanceof FakeRefusal)
    return { status: err.status, body: { error: err.code, message: err.message } }
  if (err instanceof FastifyError)
    return {
      status: err.status,
      body: { statusCode: err.status, code: err.code, error: err.error, message: err.message },
    }
  return { status: 500, body: { statusCode: 500, error: 'Internal Server Error', message: String(err) } }
}

/** `/api/people/:personId` against a path: the parameters, or undefined when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/')
  const s = path.split('/')
  if (p.length !== s.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < p.length; i++) {
    const want = p[i] as string
    const got = s[i] as string
    if (want.startsWith(':')) params[want.slice(1)] = decodeURIComponent(got)
    else if (want !== got) return undefined
  }
  return params
}

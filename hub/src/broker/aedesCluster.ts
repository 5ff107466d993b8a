/// <reference path="../types/aedes-persistence-redis.d.ts" />

import { createRequire } from 'node:module'
import { Readable } from 'node:stream'
import AsyncRedisPersistence from 'aedes-persistence-redis/asyncPersistence.js'

/** What an aedes broker takes to be one node of a cluster: its emitter and its persistence. */
export interface AedesClusterParts {
  mq: unknown
  persistence: unknown
}

// the emitter's topic-prefixed variant is in its module but not in its types
const { MQEmitterRedisPrefix } = createRequire(import.meta.url)('mqemitter-redis') as {
  MQEmitterRedisPrefix: new (prefix: string, opts: { connectionString: string }) => unknown
}

/**
 * The maintained Redis backends of aedes (docs/SCALING.md, "An aedes cluster"): with
 * mqemitter-redis a message published on one node reaches subscribers on every node, and
 * aedes-persistence-redis keeps retained messages, subscriptions and sessions in Redis, so a
 * kiosk may connect to any node. `redis://[:password@]host:port[/db]`. Several clusters may
 * share one Redis: each keeps its keys in its own database (the URL's) and its messages
 * under its own `prefix`, as Redis pub/sub spans every database.
 */
export function aedesCluster(redisUrl: string, prefix = 'ejia'): AedesClusterParts {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix))
    throw new RangeError(`cluster prefix ${prefix}: letters, digits, _ . -`)
  const url = new URL(redisUrl)
  if (url.protocol !== 'redis:') throw new RangeError(`${redisUrl}: a redis:// URL`)
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0
  if (!Number.isInteger(db) || db < 0) throw new RangeError(`${redisUrl}: the database is a number`)
  const conn = {
    host: url.hostname,
    port: Number(url.port || 6379),
    db,
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  }
  return {
    mq: new MQEmitterRedisPrefix(`${prefix}/`, { connectionString: redisUrl }),
    persistence: asStreams(new AsyncRedisPersistence(conn)),
  }
}

/**
 * aedes 1.2 pipes what these return (`stream.pipe`); aedes-persistence-redis 12 returns
 * async iterables from them, as aedes-persistence's own memory store wraps in
 * `Readable.from` and the Redis one does not. Wrapped here, on the instance, until they agree.
 */
function asStreams(persistence: unknown): unknown {
  const p = persistence as Record<string, (...args: unknown[]) => AsyncIterable<unknown>>
  for (const name of ['createRetainedStreamCombi', 'createRetainedStream', 'outgoingStream']) {
    const original = p[name]?.bind(p)
    if (original) p[name] = (...args: unknown[]) => Readable.from(original(...args)) as AsyncIterable<unknown>
  }
  return persistence
}

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StationConfig } from '@ejia/firmware-config'
import { type BenchProc, runBin } from './procs.js'

export interface BenchKiosk {
  proc: BenchProc
  /** http://127.0.0.1:<port> of its local API. */
  api: string
  /** Its data directory: journal.db and the rest. */
  dataDir: string
}

/**
 * A kiosk agent as a process of its own (`ejia-edge --config FILE`), on a provisioned
 * station config as it is, except: a fresh data dir, the local API on a free port, and
 * the hub at `mqttUrl`. Resolves once it has printed its local API.
 */
export async function startKiosk(config: StationConfig, mqttUrl: string): Promise<BenchKiosk> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ejia-bench-kiosk-'))
  const file = join(dataDir, 'station.json')
  const own: StationConfig = {
    ...config,
    hub: { ...config.hub, mqttUrl },
    dataDir,
    localApi: { ...config.localApi, port: 0 },
  }
  writeFileSync(file, JSON.stringify(own), { mode: 0o600 })
  const proc = runBin('edge', 'ejia-edge', ['--config', file])
  const { localApi } = (await proc.ready) as { localApi: string | null }
  if (!localApi) throw new Error('ejia-edge started without its local API')
  return { proc, api: localApi, dataDir }
}

/** A JSON request to a local or hub API; throws on an unexpected status. */
export async function call<T>(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; expect?: number } = {},
): Promise<T> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  })
  const text = await res.text()
  if (res.status !== (init.expect ?? 200)) throw new Error(`${url}: ${res.status} ${text.slice(0, 300)}`)
  return (text ? JSON.parse(text) : undefined) as T
}

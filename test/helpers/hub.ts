import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Registry } from '@ejia/firmware-config'
import { type HubHandle, type HubOptions, startHub } from '@ejia/hub'
import pino from 'pino'

export interface TestHub extends HubHandle {
  /** http://127.0.0.1:<port> */
  api: string
  /** mqtt://127.0.0.1:<port> */
  mqttUrl: string
}

/** A real hub in-process on ephemeral ports (unless told otherwise), with a fresh data dir and a silent log. */
export async function startTestHub(registry: Registry, over: Partial<HubOptions> = {}): Promise<TestHub> {
  const hub = await startHub({
    dataDir: mkdtempSync(join(tmpdir(), 'ejia-hub-')),
    registry,
    mqttHost: '127.0.0.1',
    mqttPort: 0,
    httpHost: '127.0.0.1',
    httpPort: 0,
    log: pino({ level: 'silent' }),
    ...over,
  })
  return { ...hub, api: `http://127.0.0.1:${hub.httpPort}`, mqttUrl: `mqtt://127.0.0.1:${hub.mqttPort}` }
}

import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEdge } from '@ejia/edge'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub } from '../helpers/hub.js'
import { freePort } from '../helpers/net.js'
import { until } from '../helpers/wait.js'

const log = pino({ level: 'silent' })

/**
 * Medium tier, both sides real and in-process: a kiosk with no hub to talk to keeps
 * taking sign-ins through its local API, and hands them all over when the hub appears.
 */
describe('a kiosk without a hub', () => {
  it('keeps recording through its local API, then drains everything once the hub is up', {
    timeout: 60_000,
  }, async () => {
    const district = makeDistrict(1)
    const config = structuredClone(district.configs[0]!)
    const mqttPort = await freePort()
    config.hub.mqttUrl = `mqtt://127.0.0.1:${mqttPort}`
    config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-kiosk-'))
    config.localApi.port = 0
    config.uplink.reconnectPeriodS = 0.5
    const edge = await startEdge(config, { log })
    const local = edge.localApiUrl!

    const seqs: number[] = []
    for (let i = 1; i <= 30; i++) {
      const res = await fetch(`${local}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'checkin', body: { personId: `p-${i}`, method: 'card' } }),
      })
      expect(res.status).toBe(201) // durable in the journal, although the hub is unreachable
      seqs.push(((await res.json()) as { seq: number }).seq)
    }
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 2)) // seq 1 is agent.start

    const bad = await fetch(`${local}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'checkin', body: { personId: 'p-1', method: 'telepathy' } }),
    })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe('/body/method')

    type Status = { connected: boolean; health: { backlog: { depth: number } } }
    const offline = (await (await fetch(`${local}/api/status`)).json()) as Status
    expect(offline).toMatchObject({ connected: false, health: { backlog: { depth: 31 } } })

    const hub = await startTestHub(district.registry, { mqttPort })
    try {
      await until('the backlog to drain', async () => {
        const s = (await (await fetch(`${local}/api/status`)).json()) as Status
        return s.connected && s.health.backlog.depth === 0 ? s : undefined
      })
      const ledger = (await (
        await fetch(`${hub.api}/api/events?limit=100`, { headers: hub.auth })
      ).json()) as {
        events: { seq: number; type: string }[]
      }
      expect(ledger.events.map((e) => e.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 31 }, (_, i) => i + 1),
      )
      expect(ledger.events.filter((e) => e.type === 'checkin')).toHaveLength(30)
    } finally {
      await edge.stop()
      await hub.stop()
    }
  })
})

import type { Logger } from 'pino'
import type { AlarmStore } from '../storage/alarmStore.js'
import type { HubStores } from '../storage/hubStores.js'
import type { IntegrityFinding } from '../storage/integrityStore.js'
import { ChainCheck } from './chainCheck.js'
import type { Counters } from './counters.js'

/** The chain check as every hub process that ingests runs it: findings stored, alarms raised. */
export async function startChainCheck(
  stores: Pick<HubStores, 'storage' | 'integrity' | 'alarms'>,
  counters: Counters,
  log: Logger,
  now: () => number,
): Promise<ChainCheck> {
  const chain = new ChainCheck({
    storage: stores.storage,
    integrity: stores.integrity,
    counters,
    log: log.child({ name: 'hub:chain' }),
    onFindings: (findings) => void raiseIntegrityAlarm(stores.alarms, findings, now(), log),
  })
  await chain.start()
  return chain
}

/**
 * One `journalIntegrity` alarm per station while findings stand; only a person resolves it,
 * after looking at the findings (`GET /api/integrity`).
 */
export async function raiseIntegrityAlarm(
  alarms: AlarmStore,
  findings: readonly IntegrityFinding[],
  at: number,
  log: Logger,
): Promise<void> {
  const byStation = new Map<string, IntegrityFinding[]>()
  for (const f of findings) byStation.set(f.stationId, [...(byStation.get(f.stationId) ?? []), f])
  for (const [stationId, list] of byStation) {
    const kinds: Record<string, number> = {}
    for (const f of list) kinds[f.kind] = (kinds[f.kind] ?? 0) + 1
    const seqs = list.flatMap((f) => (f.seq === null ? [] : [f.seq]))
    try {
      await alarms.raise('journalIntegrity', stationId, at, { kinds, seqs: seqs.slice(0, 20) })
    } catch (err) {
      log.error({ err, stationId }, 'could not raise the journal integrity alarm')
    }
  }
}

import type { Logger } from 'pino'
import type { StationAuth } from '../broker/stationAuth.js'
import type { RevocationRecord, RevocationStore } from '../storage/revocationStore.js'

export interface RevocationView {
  stationId: string
  /** `registry`: marked by `ejia-config revoke`, undone only there; `hub`: by an operator. */
  source: 'registry' | 'hub'
  revokedAt: string | null
  revokedBy: string | null
  reason: string | null
}

/**
 * Revoking a station (docs/OPERATIONS.md, "Revoking a station"): kept in the hub's
 * database, in force in StationAuth at once, and the station's connection closed so it
 * must log in again, and is refused.
 */
export class StationRevocation {
  private readonly records = new Map<string, RevocationRecord>()
  private readonly fromRegistry: Set<string>

  constructor(
    private readonly deps: {
      auth: StationAuth
      store: RevocationStore
      disconnect: (stationId: string) => boolean
      log: Logger
      now: () => number
    },
    registryRevoked: Iterable<string>,
  ) {
    this.fromRegistry = new Set(registryRevoked)
  }

  async load(): Promise<void> {
    for (const r of await this.deps.store.list()) {
      this.records.set(r.stationId, r)
      this.deps.auth.revoke(r.stationId)
    }
  }

  list(): RevocationView[] {
    const ids = [...new Set([...this.fromRegistry, ...this.records.keys()])].sort()
    return ids.map((id) => this.view(id) as RevocationView)
  }

  view(stationId: string): RevocationView | undefined {
    const r = this.records.get(stationId)
    if (r) {
      return {
        stationId,
        source: 'hub',
        revokedAt: new Date(r.revokedAt).toISOString(),
        revokedBy: r.revokedBy,
        reason: r.reason,
      }
    }
    if (this.fromRegistry.has(stationId)) {
      return { stationId, source: 'registry', revokedAt: null, revokedBy: null, reason: null }
    }
    return undefined
  }

  /** Returns whether the station was connected (and has been disconnected). */
  async revoke(
    stationId: string,
    by: string,
    reason: string,
  ): Promise<{ view: RevocationView; disconnected: boolean }> {
    const record = { stationId, revokedAt: this.deps.now(), revokedBy: by, reason }
    await this.deps.store.revoke(record)
    this.records.set(stationId, record)
    this.deps.auth.revoke(stationId)
    const disconnected = this.deps.disconnect(stationId)
    this.deps.log.warn({ stationId, by, reason, disconnected }, 'station revoked')
    return { view: this.view(stationId) as RevocationView, disconnected }
  }

  /** False when the revocation is the registry's: only a new registry lifts it. */
  async unrevoke(stationId: string, by: string): Promise<boolean> {
    if (this.fromRegistry.has(stationId)) return false
    await this.deps.store.unrevoke(stationId)
    this.records.delete(stationId)
    this.deps.auth.unrevoke(stationId)
    this.deps.log.warn({ stationId, by }, 'station unrevoked')
    return true
  }
}

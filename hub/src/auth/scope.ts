import { CodedError } from '@ejia/platform'
import type { Operator } from './operator.js'

export class ScopeError extends CodedError<'outOfScope' | 'forbidden'> {}

/** Where each station is: enough to tell whether a station or a town is in an operator's scope. */
export interface StationDirectory {
  townOf(stationId: string): string | undefined
}

/**
 * An operator's view of the district, applied by every route: narrows a query to what the
 * operator may see, and refuses one that asks beyond it (403 `outOfScope`, naming what).
 */
export class Scope {
  constructor(
    readonly operator: Operator,
    private readonly stations: StationDirectory,
  ) {}

  allowsStation(stationId: string): boolean {
    const op = this.operator
    if (op.tier === 'district') return true
    if (op.tier === 'station') return stationId === op.scope
    return this.stations.townOf(stationId) === op.scope
  }

  allowsTown(townCode: string): boolean {
    const op = this.operator
    if (op.tier === 'district') return true
    if (op.tier === 'town') return townCode === op.scope
    return false
  }

  /**
   * The `town` and `station` filters of a query, checked and narrowed: a town operator who
   * names no town gets theirs, a cadre their station. Throws ScopeError for a filter beyond
   * the scope.
   */
  narrow(q: { town?: string | undefined; station?: string | undefined }): {
    town?: string
    station?: string
  } {
    const op = this.operator
    if (q.station !== undefined && !this.allowsStation(q.station))
      throw new ScopeError('outOfScope', `station ${q.station} is outside ${describe(op)}`)
    if (q.town !== undefined && !this.allowsTown(q.town)) {
      // a cadre may name the town of their own station along with it
      const ownTown = op.tier === 'station' && op.scope !== null && this.stations.townOf(op.scope) === q.town
      if (!ownTown) throw new ScopeError('outOfScope', `town ${q.town} is outside ${describe(op)}`)
    }
    const out: { town?: string; station?: string } = {}
    if (q.town !== undefined) out.town = q.town
    if (q.station !== undefined) out.station = q.station
    if (op.tier === 'town' && out.town === undefined && op.scope !== null) out.town = op.scope
    if (op.tier === 'station' && out.station === undefined && op.scope !== null) out.station = op.scope
    return out
  }

  /** Throws ScopeError unless the station is in scope; for one record looked up by id. */
  assertStation(stationId: string): void {
    if (!this.allowsStation(stationId))
      throw new ScopeError('outOfScope', `station ${stationId} is outside ${describe(this.operator)}`)
  }
}

function describe(op: Operator): string {
  return op.tier === 'district' ? 'the district' : `${op.tier} ${op.scope}`
}

import type { Fleet } from './fleet.js'
import type { StationView } from './stationView.js'

/** At most one update per station per this long reaches a subscriber. */
export const FEED_COALESCE_MS = 1000

export type FeedSubscriber = (views: readonly StationView[]) => void

/**
 * The fleet's changes, coalesced for the dashboards' live streams: a station heard from many
 * times within `coalesceMs` (a batch of events right after its heartbeat, say) is sent once,
 * with its latest view. Views are computed once per flush for every subscriber, so the work
 * per flush follows what changed, not the size of the fleet or the number of dashboards open.
 */
export class FleetFeed {
  private readonly subscribers = new Set<FeedSubscriber>()
  private readonly dirty = new Set<string>()
  private timer: NodeJS.Timeout | undefined
  private unlisten: (() => void) | undefined

  constructor(
    private readonly fleet: Pick<Fleet, 'onChange' | 'get'>,
    private readonly coalesceMs = FEED_COALESCE_MS,
  ) {}

  subscribe(sub: FeedSubscriber): () => void {
    this.subscribers.add(sub)
    // the fleet is listened to only while somebody watches
    this.unlisten ??= this.fleet.onChange((id) => this.mark(id))
    return () => {
      this.subscribers.delete(sub)
      if (this.subscribers.size === 0) this.stop()
    }
  }

  stop(): void {
    this.unlisten?.()
    this.unlisten = undefined
    clearTimeout(this.timer)
    this.timer = undefined
    this.dirty.clear()
  }

  private mark(stationId: string): void {
    this.dirty.add(stationId)
    this.timer ??= setTimeout(() => this.flush(), this.coalesceMs)
  }

  private flush(): void {
    this.timer = undefined
    const views = [...this.dirty].flatMap((id) => this.fleet.get(id) ?? [])
    this.dirty.clear()
    if (views.length === 0) return
    for (const sub of this.subscribers) sub(views)
  }
}

/** The first event of GET /api/fleet/stream. */
export interface FleetSnapshot {
  /** The hub clock when the snapshot was taken; ages tick from it. */
  now: string
  stations: StationView[]
}

import type { Event } from '@ejia/protocol'

export interface BatchPlan {
  live: Event[]
  backlog: Event[]
}

/**
 * Chooses the next batch from two lanes: `live` (recorded since the link came up) and
 * `backlog` (waiting from before). Live events get at least half of every batch, so a
 * long backlog never holds back what is happening now; a lane with too little to fill its
 * half leaves the room to the other. The byte budget is spent live-first.
 */
export function planBatch(
  lanes: BatchPlan,
  maxEvents: number,
  maxBytes: number,
  sizeOf: (e: Event) => number,
): BatchPlan {
  const half = Math.ceil(maxEvents / 2)
  const liveCount = Math.min(lanes.live.length, Math.max(half, maxEvents - lanes.backlog.length))
  const backlogCount = Math.min(lanes.backlog.length, maxEvents - liveCount)
  const plan: BatchPlan = { live: [], backlog: [] }
  let bytes = 0
  const fits = (e: Event): boolean => {
    const size = sizeOf(e)
    // always take one event, so a batch can never be empty while events wait
    if (bytes + size > maxBytes && plan.live.length + plan.backlog.length > 0) return false
    bytes += size
    return true
  }
  for (const e of lanes.live.slice(0, liveCount)) {
    if (!fits(e)) break
    plan.live.push(e)
  }
  for (const e of lanes.backlog.slice(0, backlogCount)) {
    if (!fits(e)) break
    plan.backlog.push(e)
  }
  return plan
}

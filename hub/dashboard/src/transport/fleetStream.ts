import type { FleetSnapshot, StationView } from '../api/types.js'
import type { AppState } from '../state.js'

/** Station events arriving within this long are applied together. */
const APPLY_EVERY_MS = 100
const RETRY_MS = 3000

/**
 * GET /api/fleet/stream into the fleet store: the snapshot replaces the fleet, station events
 * update it. EventSource reconnects by itself after a network error; a refused stream (401
 * after the session ended) is handed to `onRefused`, which checks the login.
 */
export function startFleetStream(state: AppState, onRefused: () => void): () => void {
  let source: EventSource | undefined
  let retry: ReturnType<typeof setTimeout> | undefined
  let pending = new Map<string, StationView>()
  let flush: ReturnType<typeof setTimeout> | undefined
  let stopped = false

  const apply = () => {
    flush = undefined
    const views = [...pending.values()]
    pending = new Map()
    state.fleet.update(views)
  }

  const open = () => {
    state.stream.value = 'connecting'
    const es = new EventSource('/api/fleet/stream')
    source = es
    es.addEventListener('snapshot', (e) => {
      const snap = JSON.parse((e as MessageEvent<string>).data) as FleetSnapshot
      state.clockOffsetMs.value = Date.parse(snap.now) - Date.now()
      // at once, not at the next tick: pages take "today" from it as soon as the fleet is loaded
      state.now.value = Date.parse(snap.now)
      pending.clear()
      state.fleet.reset(snap.stations)
      state.stream.value = 'open'
    })
    es.addEventListener('station', (e) => {
      const v = JSON.parse((e as MessageEvent<string>).data) as StationView
      pending.set(v.id, v)
      flush ??= setTimeout(apply, APPLY_EVERY_MS)
    })
    es.addEventListener('error', () => {
      if (stopped) return
      state.stream.value = 'retrying'
      if (es.readyState === EventSource.CLOSED) {
        // refused outright (not a dropped link): maybe the session is gone
        onRefused()
        retry = setTimeout(() => !stopped && open(), RETRY_MS)
      }
    })
  }
  open()
  return () => {
    stopped = true
    source?.close()
    clearTimeout(retry)
    clearTimeout(flush)
  }
}

import type { AppState, KioskStatus } from './state.js'

const POLL_MS = 2000

/** Polls the local agent and the clock into the app state. */
export function startTransport(state: AppState): () => void {
  const poll = async () => {
    try {
      const res = await fetch('./api/status', { cache: 'no-store' })
      if (!res.ok) throw new Error(`status ${res.status}`)
      state.status.value = (await res.json()) as KioskStatus
      state.agentReachable.value = true
    } catch {
      state.agentReachable.value = false
    }
  }
  void poll()
  const timers = [setInterval(poll, POLL_MS), setInterval(() => (state.now.value = new Date()), 1000)]
  return () => {
    for (const t of timers) clearInterval(t)
  }
}

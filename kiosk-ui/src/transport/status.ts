import { api } from '../api/kiosk.js'
import type { AppState } from '../state.js'

/** docs/KIOSK.md: the UI polls the status every 2 s, it drives the offline banner. */
const STATUS_MS = 2000
/** Today's plan and rota change rarely (a roster sync, a clock-in); the idle screen can lag a minute. */
const TODAY_MS = 60_000

/** Polls the agent's status, today's plan and the readers into the app state, and ticks the clock. */
export function startStatusPolling(state: AppState): () => void {
  const pollStatus = async () => {
    const r = await api.status()
    state.agentReachable.value = r.ok
    if (!r.ok) return
    state.status.value = r.data
    if (r.data.connected) state.offlineSince.value = null
    else state.offlineSince.value ??= Date.now()
  }
  const pollToday = async () => {
    const [today, devices] = await Promise.all([api.today(), api.devices()])
    if (today.ok) state.today.value = today.data
    if (devices.ok) state.devices.value = devices.data.devices
  }
  let day = new Date().getDate()
  const tick = () => {
    const now = new Date()
    state.now.value = now
    if (now.getDate() !== day) {
      day = now.getDate()
      void pollToday()
    }
  }
  void pollStatus()
  void pollToday()
  const timers = [
    setInterval(pollStatus, STATUS_MS),
    setInterval(pollToday, TODAY_MS),
    setInterval(tick, 1000),
  ]
  return () => {
    for (const t of timers) clearInterval(t)
  }
}

/** Reloads today's plan at once, e.g. after a clock-in changed who is on duty. */
export async function refreshToday(state: AppState): Promise<void> {
  const r = await api.today()
  if (r.ok) state.today.value = r.data
}

import { computed, signal } from '@preact/signals'

/** What the edge agent reports at GET /api/status. */
export interface KioskStatus {
  station: { id: string; name: string; townName: string }
  connected: boolean
  health: {
    lastSeq: number
    backlog: { depth: number; oldestUnsentAt: string | null; deadLetters: number }
    faults: { device: string; code: string; message: string }[]
  }
}

/** All app state, as signals; one transport writes it, views only read it. */
export function createAppState() {
  const status = signal<KioskStatus | null>(null)
  const agentReachable = signal(true)
  const now = signal(new Date())
  const offline = computed(() => status.value !== null && !status.value.connected)
  return { status, agentReachable, now, offline }
}

export type AppState = ReturnType<typeof createAppState>

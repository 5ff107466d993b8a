import { computed, signal } from '@preact/signals'
import type { AlarmView, DutyNowRow, Operator } from './api/types.js'
import { createFleetStore } from './fleet/fleetStore.js'

/** All app state, as signals: the transports and actions write it, views only read it. */
export function createAppState() {
  const operator = signal<Operator | null>(null)
  const duty = signal<DutyNowRow[] | null>(null)
  const activeAlarms = signal<AlarmView[] | null>(null)
  return {
    /** Null until GET /api/auth/me has answered. */
    checked: signal(false),
    operator,
    csrf: signal<string | null>(null),
    fleet: createFleetStore(),
    stream: signal<'connecting' | 'open' | 'retrying'>('connecting'),
    /** Hub clock minus this browser's clock, from the last snapshot; ages tick on the hub's time. */
    clockOffsetMs: signal(0),
    /** The hub's time now, ticking every second. */
    now: signal(Date.now()),
    duty,
    dutyError: signal<string | null>(null),
    unmanned: computed(() => duty.value?.filter((d) => d.unmanned).length ?? null),
    activeAlarms,
    /** Whether this hub has POST /api/alarms/{id}/resolve (from its API document). */
    canResolve: signal(false),
  }
}

export type AppState = ReturnType<typeof createAppState>

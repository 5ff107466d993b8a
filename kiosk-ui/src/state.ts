import type { PlannedActivity } from '@ejia/protocol'
import { computed, signal } from '@preact/signals'
import type { DeviceInfo, FaceUpdate, KioskStatus, PersonRef, Today } from './api/types.js'
import type { Screen } from './screens.js'
import type { Settings } from './settings.js'

/** All app state, as signals: transports and actions write it, views only read it. */
export function createAppState(settings: Settings) {
  const status = signal<KioskStatus | null>(null)
  const today = signal<Today | null>(null)
  const activity = computed<PlannedActivity | undefined>(() => {
    const t = today.value
    if (!t) return undefined
    const id = t.mode.kind === 'checkin' ? t.mode.activityId : undefined
    return t.activities.find((a) => a.activityId === id) ?? t.activities[0]
  })
  return {
    settings,
    status,
    /** False while GET /api/status fails: the agent itself is down. */
    agentReachable: signal(true),
    /** When the UI first saw the hub link down; the status only says that it is. */
    offlineSince: signal<number | null>(null),
    now: signal(new Date()),
    today,
    /** The station config's day of the month for the theme day (主题党日), once the agent said it. */
    themeDayOfMonth: signal<number | null>(null),
    /** The activity check-ins go to: the mode's, else today's first. */
    activity,
    devices: signal<DeviceInfo[]>([]),
    streamOpen: signal(false),
    /** The face session's latest update, from the stream or a poll. */
    face: signal<FaceUpdate | null>(null),
    screen: signal<Screen>({ name: 'idle' }),
    /** Last touch, key or face in view; the inactivity timer counts from it. */
    lastActivity: signal(Date.now()),
    /** Set while this UI holds the kiosk in duty or lookup mode, so leaving restores check-in. */
    modeOverride: signal<'duty' | 'lookup' | null>(null),
    /** The cadre who unlocked the admin screens; cleared on the way home. */
    cadre: signal<PersonRef | null>(null),
    offline: computed(() => status.value !== null && !status.value.connected),
  }
}

export type AppState = ReturnType<typeof createAppState>

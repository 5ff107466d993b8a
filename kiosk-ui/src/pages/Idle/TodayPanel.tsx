import { useKiosk } from '../../context.js'
import { hhmm, hours } from '../../format.js'
import { zh } from '../../strings.js'
import { nextThemeDayAt } from '../../themeDay.js'

/** Today's planned activities, the one check-ins go to first; on a day without any, the next theme day. */
export function TodayPanel() {
  const { state } = useKiosk()
  const t = state.today.value
  const current = state.activity.value
  return (
    <section class="panel" data-testid="today">
      <h2>{zh.idle.today}</h2>
      {!t || t.activities.length === 0 ? (
        <>
          <p class="muted">{zh.idle.noActivity}</p>
          <ThemeDayLine />
        </>
      ) : (
        t.activities.map((a) => (
          <div
            key={a.activityId}
            class={a.activityId === current?.activityId ? 'activity current' : 'activity'}
          >
            <p class="activity-title">{a.title}</p>
            <p class="activity-meta">
              {a.agenda.join(' · ')}
              {a.hours > 0 && ` · ${zh.idle.hours(Number(hours(a.hours)))}`}
            </p>
          </div>
        ))
      )}
    </section>
  )
}

/**
 * When the monthly theme day (主题党日, the station config's `activity.themeDayOfMonth`) is next,
 * counted in China Standard Time: members who come on a quiet day learn when to come back.
 */
function ThemeDayLine() {
  const { state } = useKiosk()
  const dayOfMonth = state.themeDayOfMonth.value
  if (dayOfMonth === null) return null
  const next = nextThemeDayAt(state.now.value, dayOfMonth)
  return (
    <p class="theme-day" data-testid="theme-day">
      {next.inDays === 0 ? zh.idle.themeDayToday : zh.idle.nextThemeDay(next.month, next.day, next.inDays)}
    </p>
  )
}

/** Today's rota and who has clocked in (from the kiosk's own journal). */
export function DutyPanel() {
  const { state } = useKiosk()
  const duty = state.today.value?.duty
  return (
    <section class="panel" data-testid="duty-panel">
      <h2>{zh.idle.duty}</h2>
      {!duty || duty.shifts.length === 0 ? (
        <p class="muted">{zh.idle.noShift}</p>
      ) : (
        duty.shifts.map((s) => (
          <p key={s.start} class="shift">
            {hhmm(s.start)}–{hhmm(s.end)} {s.people.map((p) => p.name ?? p.personId).join('、')}
          </p>
        ))
      )}
      <p class="on-duty" data-testid="on-duty">
        {duty && duty.onDuty.length > 0
          ? `${zh.idle.onDuty}：${duty.onDuty.map((p) => `${p.name ?? p.personId}（${hhmm(p.since)}）`).join('、')}`
          : zh.idle.nobodyOnDuty}
      </p>
    </section>
  )
}

/**
 * A reader or the camera in fault, in words a villager can act on: which way in does not work
 * today. The fault's own message is for the admin screen (docs/KIOSK.md: never shown to villagers).
 */
export function DeviceNotice() {
  const { state } = useKiosk()
  const faults = state.status.value?.health.faults ?? []
  const kinds = new Set<string>()
  for (const f of faults) {
    if (f.device === 'camera') kinds.add('camera')
    const name = f.device.startsWith('serial:') ? f.device.slice('serial:'.length) : f.device
    const d = state.devices.value.find((x) => x.name === name)
    if (d) kinds.add(d.kind)
  }
  for (const d of state.devices.value) if (d.fault) kinds.add(d.kind)
  if (kinds.size === 0) return null
  const what = [...kinds].map((k) => zh.deviceKind[k] ?? k).join('、')
  return (
    <p class="notice" role="status" data-testid="device-notice">
      {zh.idle.deviceTrouble(what)}
    </p>
  )
}

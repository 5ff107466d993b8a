import { useRef } from 'preact/hooks'
import { Button } from '../../components/Button.js'
import type { IconName } from '../../components/Icon.js'
import { useKiosk } from '../../context.js'
import { dateLabel, hhmm } from '../../format.js'
import type { Screen } from '../../screens.js'
import { zh } from '../../strings.js'
import { DeviceNotice, DutyPanel, TodayPanel } from './TodayPanel.js'

/** Holding the station name this long opens the admin login, besides the small 管理 button. */
const LONG_PRESS_MS = 1500

/** The idle screen: where am I, what day is it, what is on, who is on duty, and the ways in. */
export function Idle() {
  const { state, nav } = useKiosk()
  const s = state.status.value
  const now = state.now.value
  const press = useRef<ReturnType<typeof setTimeout>>(undefined)
  const flow = 'checkin' as const
  const hasFingerprint = state.devices.value.some((d) => d.kind === 'fingerprint')
  return (
    <main class="idle" data-testid="idle">
      <header class="idle-head">
        <div
          class="station"
          onPointerDown={() => (press.current = setTimeout(() => nav.go({ name: 'admin' }), LONG_PRESS_MS))}
          onPointerUp={() => clearTimeout(press.current)}
          onPointerLeave={() => clearTimeout(press.current)}
        >
          <p class="town">{s?.station.townName ?? ''}</p>
          <h1 data-testid="station-name">{s?.station.name ?? zh.appName}</h1>
        </div>
        <div class="clock-box">
          <p class="date">{dateLabel(now)}</p>
          <p class="clock" data-testid="clock">
            {hhmm(now)}
          </p>
        </div>
      </header>
      <div class="idle-body">
        <aside class="idle-info">
          <TodayPanel />
          <DutyPanel />
          <DeviceNotice />
        </aside>
        <nav class="idle-actions">
          {tiles(hasFingerprint).map((t) => (
            <Button
              key={t.method}
              label={zh.methods[t.method].label}
              hint={zh.methods[t.method].hint}
              icon={t.icon}
              kind={t.kind}
              size="xl"
              testId={`go-${t.method}`}
              onPress={() => nav.go(t.screen)}
            />
          ))}
        </nav>
      </div>
      <footer class="idle-foot">
        <Button
          label={zh.methods.pin.label}
          icon="keypad"
          size="md"
          testId="go-pin"
          onPress={() => nav.go({ name: 'pin', flow })}
        />
        <Button
          label={zh.methods.vouch.label}
          icon="people"
          size="md"
          testId="go-vouch"
          onPress={() => nav.go({ name: 'vouch' })}
        />
        <span class="spacer" />
        <Button
          label={zh.idle.admin}
          kind="plain"
          size="md"
          testId="go-admin"
          onPress={() => nav.go({ name: 'admin' })}
        />
      </footer>
    </main>
  )
}

/**
 * The ways in, as the idle screen's tiles: signing in (red), then a cadre's duty and a
 * member's hours (green); fingerprint only where a reader is configured.
 */
function tiles(
  hasFingerprint: boolean,
): { method: keyof typeof zh.methods; icon: IconName; kind: 'primary' | 'ok'; screen: Screen }[] {
  const flow = 'checkin' as const
  return [
    { method: 'face', icon: 'face', kind: 'primary', screen: { name: 'face', flow } },
    { method: 'card', icon: 'card', kind: 'primary', screen: { name: 'reader', method: 'card', flow } },
    { method: 'qr', icon: 'qr', kind: 'primary', screen: { name: 'reader', method: 'qr', flow } },
    ...(hasFingerprint
      ? [
          {
            method: 'fingerprint',
            icon: 'fingerprint',
            kind: 'primary',
            screen: { name: 'reader', method: 'fingerprint', flow },
          } as const,
        ]
      : []),
    { method: 'duty', icon: 'clock', kind: 'ok', screen: { name: 'duty' } },
    { method: 'study', icon: 'book', kind: 'ok', screen: { name: 'study' } },
  ]
}

import { useRef } from 'preact/hooks'
import { Button } from '../../components/Button.js'
import { useKiosk } from '../../context.js'
import { dateLabel, hhmm } from '../../format.js'
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
          <Button
            label={zh.methods.face.label}
            hint={zh.methods.face.hint}
            icon="face"
            kind="primary"
            size="xl"
            testId="go-face"
            onPress={() => nav.go({ name: 'face', flow })}
          />
          <Button
            label={zh.methods.card.label}
            hint={zh.methods.card.hint}
            icon="card"
            kind="primary"
            size="xl"
            testId="go-card"
            onPress={() => nav.go({ name: 'reader', method: 'card', flow })}
          />
          <Button
            label={zh.methods.qr.label}
            hint={zh.methods.qr.hint}
            icon="qr"
            kind="primary"
            size="xl"
            testId="go-qr"
            onPress={() => nav.go({ name: 'reader', method: 'qr', flow })}
          />
          {hasFingerprint && (
            <Button
              label={zh.methods.fingerprint.label}
              hint={zh.methods.fingerprint.hint}
              icon="fingerprint"
              kind="primary"
              size="xl"
              testId="go-fingerprint"
              onPress={() => nav.go({ name: 'reader', method: 'fingerprint', flow })}
            />
          )}
          <Button
            label={zh.methods.duty.label}
            hint={zh.methods.duty.hint}
            icon="clock"
            kind="ok"
            size="xl"
            testId="go-duty"
            onPress={() => nav.go({ name: 'duty' })}
          />
          <Button
            label={zh.methods.study.label}
            hint={zh.methods.study.hint}
            icon="book"
            kind="ok"
            size="xl"
            testId="go-study"
            onPress={() => nav.go({ name: 'study' })}
          />
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

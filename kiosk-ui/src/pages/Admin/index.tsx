import { useSignal } from '@preact/signals'
import { useEffect } from 'preact/hooks'
import { api } from '../../api/kiosk.js'
import type { FaceInfo } from '../../api/types.js'
import { Button } from '../../components/Button.js'
import { CadreLogin } from '../../components/CadreLogin.js'
import { ScreenFrame } from '../../components/ScreenFrame.js'
import { useKiosk } from '../../context.js'
import { hhmm } from '../../format.js'
import { zh } from '../../strings.js'
import { EnrolCodeCheck } from './EnrolCodeCheck.js'

/**
 * The cadre's screen, behind a cadre id and PIN (POST /api/auth/cadre): readers with their
 * faults and counters, the kiosk's faults and versions, the way to the camera test and
 * enrolment, and the enrolment sheet's code checked without the QR reader. Cadres see the agent's fault messages here; villagers never do.
 */
export function Admin() {
  const { state } = useKiosk()
  return (
    <ScreenFrame title={zh.admin.title} testId="admin">
      {state.cadre.value ? <Dashboard /> : <CadreLogin onDone={(c) => (state.cadre.value = c)} />}
    </ScreenFrame>
  )
}

function Dashboard() {
  const { state, nav } = useKiosk()
  const face = useSignal<FaceInfo | null>(null)
  useEffect(() => {
    void api.devices().then((r) => {
      if (r.ok) state.devices.value = r.data.devices
    })
    void api.face().then((r) => {
      face.value = r.ok ? r.data : { enabled: false }
    })
  }, [])
  const s = state.status.value
  const faults = s?.health.faults ?? []
  const versions = s?.health.versions ?? {}
  return (
    <div class="admin">
      <div class="admin-actions">
        <Button
          label={zh.admin.cameraTest}
          icon="camera"
          size="lg"
          kind="primary"
          testId="admin-camera"
          onPress={() => nav.go({ name: 'cameraTest' })}
        />
        <Button
          label={zh.admin.enrol}
          icon="face"
          size="lg"
          kind="primary"
          testId="admin-enrol"
          onPress={() => nav.go({ name: 'enrol' })}
        />
      </div>
      <EnrolCodeCheck />
      <section class="panel" data-testid="admin-devices">
        <h2>{zh.admin.devices}</h2>
        {state.devices.value.length === 0 && <p class="muted">{zh.admin.noDevices}</p>}
        <table class="table">
          <tbody>
            {state.devices.value.map((d) => (
              <tr key={d.name}>
                <td>{d.name}</td>
                <td>{zh.admin.kind[d.kind] ?? d.kind}</td>
                <td class={d.fault ? 'bad' : 'good'}>
                  {d.fault ? `${d.fault.code}: ${d.fault.message}` : zh.admin.ok}
                </td>
                <td class="counters">
                  {Object.entries(d.stats)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(' · ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="panel" data-testid="admin-faults">
        <h2>{zh.admin.faults}</h2>
        {faults.length === 0 ? (
          <p class="muted">{zh.admin.noFaults}</p>
        ) : (
          faults.map((f) => (
            <p key={`${f.device}:${f.code}`} class="bad">
              {hhmm(f.since)} {f.device} {f.code}: {f.message}
            </p>
          ))
        )}
      </section>
      <section class="panel" data-testid="admin-versions">
        <h2>{zh.admin.versions}</h2>
        <p>
          {Object.entries(versions)
            .map(([k, v]) => `${zh.admin.versionNames[k] ?? k} ${v}`)
            .join(' · ')}
        </p>
        <p>
          {s && zh.admin.backlog(s.health.backlog.depth)}
          {face.value && ` · ${zh.admin.face(face.value.enabled, face.value.enrolled)}`}
        </p>
      </section>
    </div>
  )
}

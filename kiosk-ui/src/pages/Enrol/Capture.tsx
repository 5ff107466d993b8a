import { useSignal } from '@preact/signals'
import { api } from '../../api/kiosk.js'
import type { ProbeResult } from '../../api/types.js'
import { toBase64 } from '../../camera/camera.js'
import { useCamera, useTicker } from '../../camera/useCamera.js'
import { Button } from '../../components/Button.js'
import { CameraView } from '../../components/CameraView.js'
import { useKiosk } from '../../context.js'
import { errorText, zh } from '../../strings.js'

/** docs/KIOSK.md: 3–5 captures; five gives the agent room to drop a poor one. */
const CAPTURES = 5
/** Captures this far apart differ a little (a blink, a slight turn), which makes a steadier template. */
const SPACING_MS = 400

/**
 * Guided capture for enrolment: each frame goes to POST /api/camera/probe for the same guidance
 * as check-in; a frame with one face and no issue is kept. An agent without the probe still
 * gets frames, spaced out, and judges them itself on enrolment.
 */
export function Capture(p: { personId: string; cadreId: string; onDone: () => void }) {
  const { state, fb } = useKiosk()
  const camera = useCamera()
  const shots = useSignal<string[]>([])
  const probe = useSignal<(ProbeResult & { frame: { width: number; height: number } }) | null>(null)
  const phase = useSignal<'capturing' | 'sending' | 'failed'>('capturing')
  const error = useSignal<string | null>(null)
  const lastShot = useSignal(0)

  useTicker(3, phase.value === 'capturing' && camera.state.value === 'open', async () => {
    const jpeg = await camera.grab()
    if (!jpeg) return
    const r = await api.probe(jpeg.blob)
    if (r.ok) probe.value = { ...r.data, frame: { width: jpeg.width, height: jpeg.height } }
    const good = r.ok ? r.data.faces === 1 && r.data.issue === null : true
    if (!good || Date.now() - lastShot.value < (r.ok ? SPACING_MS : 2 * SPACING_MS)) return
    state.lastActivity.value = Date.now()
    lastShot.value = Date.now()
    shots.value = [...shots.value, await toBase64(jpeg.blob)]
    fb.click()
    if (shots.value.length >= CAPTURES) await send()
  })

  const send = async () => {
    phase.value = 'sending'
    const r = await api.enrol({ personId: p.personId, authorisedBy: p.cadreId, images: shots.value })
    if (r.ok) return p.onDone()
    phase.value = 'failed'
    error.value = errorText(r.code)
    fb.failure(error.value)
  }

  const again = () => {
    shots.value = []
    error.value = null
    phase.value = 'capturing'
  }

  const pr = probe.value
  const guidance =
    phase.value === 'sending'
      ? zh.enrol.sending
      : pr?.issue
        ? zh.faceIssue[pr.issue]
        : pr && pr.faces > 1
          ? zh.faceIssue.severalFaces
          : zh.enrol.capture
  return (
    <div class="face-live" data-testid="enrol-capture">
      <CameraView videoRef={camera.videoRef} box={pr?.box} frame={pr?.frame} warn={Boolean(pr?.issue)} />
      <div class="face-side">
        {camera.state.value !== 'open' && camera.state.value !== 'opening' ? (
          <p class="fail-text" role="alert">
            {zh.face.cameraFailed}
          </p>
        ) : (
          <p class={pr?.issue ? 'guidance guidance-warn' : 'guidance'} data-testid="guidance">
            {guidance}
          </p>
        )}
        <p class="prompt-text" data-testid="captured">
          {zh.enrol.captured(shots.value.length, CAPTURES)}
        </p>
        {error.value && (
          <p class="entry-error" role="alert">
            {error.value}
          </p>
        )}
        {phase.value === 'failed' && (
          <Button label={zh.enrol.again} kind="primary" size="xl" onPress={again} />
        )}
      </div>
    </div>
  )
}

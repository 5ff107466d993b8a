import { useSignal } from '@preact/signals'
import { api } from '../../api/kiosk.js'
import type { ProbeResult } from '../../api/types.js'
import { useCamera, useTicker } from '../../camera/useCamera.js'
import { CameraView } from '../../components/CameraView.js'
import { ScreenFrame } from '../../components/ScreenFrame.js'
import { useKiosk } from '../../context.js'
import { errorText, zh } from '../../strings.js'

/**
 * The camera test (docs/KIOSK.md "admin"): the preview with the face box from POST
 * /api/camera/probe, and no face session, so nothing is recorded.
 */
export function CameraTest() {
  const { state } = useKiosk()
  const camera = useCamera()
  const probe = useSignal<(ProbeResult & { frame: { width: number; height: number } }) | null>(null)
  const error = useSignal<string | null>(null)

  useTicker(3, camera.state.value === 'open', async () => {
    const jpeg = await camera.grab()
    if (!jpeg) return
    const r = await api.probe(jpeg.blob)
    state.lastActivity.value = Date.now()
    if (!r.ok) {
      error.value = errorText(r.code)
      return
    }
    error.value = null
    probe.value = { ...r.data, frame: { width: jpeg.width, height: jpeg.height } }
  })

  const p = probe.value
  const cam = camera.state.value
  return (
    <ScreenFrame title={zh.admin.cameraTest} testId="camera-test">
      <div class="face-live">
        <CameraView videoRef={camera.videoRef} box={p?.box} frame={p?.frame} warn={Boolean(p?.issue)} />
        <div class="face-side">
          {cam !== 'open' && cam !== 'opening' && (
            <p class="fail-text" role="alert">
              {zh.face.cameraFailed}
            </p>
          )}
          <p class="muted">{zh.admin.cameraTestHint}</p>
          {p && (
            <p class="guidance" data-testid="probe-faces">
              {zh.admin.faces(p.faces)}
            </p>
          )}
          {p?.issue && <p class="guidance guidance-warn">{zh.faceIssue[p.issue]}</p>}
          {error.value && <p class="entry-error">{error.value}</p>}
        </div>
      </div>
    </ScreenFrame>
  )
}

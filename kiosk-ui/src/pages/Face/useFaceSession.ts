import { useSignal, useSignalEffect } from '@preact/signals'
import { useEffect, useRef } from 'preact/hooks'
import { api } from '../../api/kiosk.js'
import { useCamera, useTicker } from '../../camera/useCamera.js'
import { useKiosk } from '../../context.js'
import { outcomeOfFace } from '../../outcomes.js'
import { zh } from '../../strings.js'

export type FacePhase = 'starting' | 'off' | 'noCamera' | 'error' | 'looking' | 'failed'

/**
 * One face check-in (docs/KIOSK.md "Face check-in"): ask whether face is on, open the camera,
 * start a session, send 3–5 frames a second, follow the updates from the stream (or by polling
 * while the stream is down), and hand an acceptance to the result screen. Leaving the screen
 * stops the camera and cancels a session still looking.
 */
export function useFaceSession() {
  const { state, fb, showOutcome } = useKiosk()
  const camera = useCamera()
  const phase = useSignal<FacePhase>('starting')
  const started = useRef(false)
  const pushFrames = useRef(true)

  useEffect(() => {
    let gone = false
    void api.face().then((info) => {
      if (gone || phase.peek() !== 'starting') return
      if (!info.ok || !info.data.enabled) {
        phase.value = 'off'
        fb.failure(zh.face.off)
      }
    })
    return () => {
      gone = true
      if (started.current && state.face.peek()?.state === 'looking') void api.cancelFace()
    }
  }, [])

  // the session starts once the camera shows a picture: frames come at once, the timeout is fair
  useSignalEffect(() => {
    const cam = camera.state.value
    if (phase.peek() !== 'starting') return
    if (cam === 'opening') return
    if (cam !== 'open') {
      phase.value = 'noCamera'
      fb.failure(zh.face.cameraFailed)
      return
    }
    void api.startFace(state.activity.peek()?.activityId).then((r) => {
      if (phase.peek() !== 'starting') return
      if (!r.ok) {
        phase.value = r.code === 'faceUnavailable' ? 'off' : 'error'
        fb.failure(r.code === 'faceUnavailable' ? zh.face.off : zh.errors.other)
        return
      }
      started.current = true
      state.face.value = r.data
      phase.value = 'looking'
      fb.say(zh.face.lookHere)
    })
  })

  useSignalEffect(() => {
    const u = state.face.value
    if (!u || phase.peek() !== 'looking') return
    if (u.state === 'accepted') showOutcome(outcomeOfFace(u), 'screen')
    else if (u.state === 'failed') {
      phase.value = 'failed'
      fb.failure(zh.faceFailed[u.reason])
    } else if (u.faces > 0) state.lastActivity.value = Date.now()
  })

  useTicker(state.settings.framesPerSecond, phase.value === 'looking', async () => {
    if (pushFrames.current) {
      const jpeg = await camera.grab()
      if (jpeg) {
        const r = await api.frame(jpeg.blob)
        // 409: this kiosk's agent reads its own camera; the preview is only for the person
        if (!r.ok && r.status === 409) pushFrames.current = false
      }
    }
    if (!state.streamOpen.peek() && phase.peek() === 'looking') {
      const u = await api.faceSession()
      if (u.ok) state.face.value = u.data
    }
  })

  return { camera, phase }
}

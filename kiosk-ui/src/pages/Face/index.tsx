import { useSignal } from '@preact/signals'
import type { FaceLooking } from '../../api/types.js'
import { Button } from '../../components/Button.js'
import { CameraView } from '../../components/CameraView.js'
import { ALL_FALLBACKS, Fallbacks } from '../../components/Fallbacks.js'
import { ScreenFrame } from '../../components/ScreenFrame.js'
import { Spinner } from '../../components/Spinner.js'
import { useKiosk } from '../../context.js'
import type { Flow } from '../../screens.js'
import { zh } from '../../strings.js'
import { useFaceSession } from './useFaceSession.js'

const TITLES: Record<Flow, string> = { checkin: zh.face.title, duty: zh.duty.face, lookup: zh.study.title }

/** Face check-in: the preview with its box and guidance, and the other ways in when it fails. */
export function Face({ flow }: { flow: Flow }) {
  // 再试一次 starts a fresh session (and camera) by remounting
  const attempt = useSignal(0)
  return (
    <ScreenFrame title={TITLES[flow]} testId="face">
      <FaceSession key={attempt.value} flow={flow} retry={() => attempt.value++} />
    </ScreenFrame>
  )
}

function guidance(u: FaceLooking): { text: string; warn: boolean } {
  if (u.issue) return { text: zh.faceIssue[u.issue], warn: true }
  if (u.challenge.kind !== 'none' && !u.challenge.passed)
    return { text: u.challenge.kind === 'blink' ? zh.face.blink : zh.face.turn, warn: false }
  if (u.faces === 0) return { text: zh.face.lookHere, warn: true }
  return { text: zh.face.holdStill, warn: false }
}

function FaceSession({ flow, retry }: { flow: Flow; retry: () => void }) {
  const { state } = useKiosk()
  const { camera, phase } = useFaceSession()
  const u = state.face.value
  const p = phase.value

  if (p === 'off' || p === 'noCamera' || p === 'error' || (p === 'failed' && u?.state === 'failed')) {
    const text =
      p === 'off'
        ? zh.face.off
        : p === 'noCamera'
          ? zh.face.cameraFailed
          : p === 'failed' && u?.state === 'failed'
            ? zh.faceFailed[u.reason]
            : zh.errors.other
    const options = p === 'failed' && u?.state === 'failed' ? u.fallbacks : ALL_FALLBACKS
    return (
      <div class="face-failed" data-testid="face-failed">
        <p class="fail-text" role="alert">
          {text}
        </p>
        <Fallbacks options={options} flow={flow} />
        {p !== 'off' && <Button label={zh.common.retry} size="lg" onPress={retry} testId="face-retry" />}
      </div>
    )
  }

  const looking = p === 'looking' && u?.state === 'looking' ? u : null
  const g = looking ? guidance(looking) : null
  return (
    <div class="face-live">
      <CameraView videoRef={camera.videoRef} box={looking?.box} frame={looking?.frame} warn={g?.warn} />
      <div class="face-side">
        {g ? (
          <p class={g.warn ? 'guidance guidance-warn' : 'guidance'} data-testid="guidance" aria-live="polite">
            {g.text}
          </p>
        ) : (
          <Spinner label={zh.face.checking} />
        )}
        {looking && looking.progress.needed > 0 && (
          <div
            class="bar"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={looking.progress.needed}
            aria-valuenow={looking.progress.frames}
            aria-label={zh.face.progress(looking.progress.frames, looking.progress.needed)}
          >
            <div
              class="bar-done"
              style={{
                width: `${Math.min(100, (looking.progress.frames / looking.progress.needed) * 100)}%`,
              }}
            />
          </div>
        )}
      </div>
    </div>
  )
}

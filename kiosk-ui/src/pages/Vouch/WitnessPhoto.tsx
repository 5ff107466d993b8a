import { useSignal } from '@preact/signals'
import { useEffect } from 'preact/hooks'
import { api } from '../../api/kiosk.js'
import type { Person } from '../../api/types.js'
import { useCamera } from '../../camera/useCamera.js'
import { Button } from '../../components/Button.js'
import { CameraView } from '../../components/CameraView.js'
import { ALL_FALLBACKS, Fallbacks } from '../../components/Fallbacks.js'
import { useKiosk } from '../../context.js'
import { errorText, zh } from '../../strings.js'

/**
 * The witness photo of a vouch (POST /api/photos?purpose=witness&takenBy=<cadre>): taken here,
 * shown back, retaken if need be; then the vouch itself. `onVouch` answers the words of a
 * refusal, or null.
 */
export function WitnessPhoto(p: {
  person: Person
  cadreId: string
  activityId?: string
  onVouch: (photoId: string) => Promise<string | null>
}) {
  const { fb } = useKiosk()
  const camera = useCamera()
  const photo = useSignal<{ id: string; url: string } | null>(null)
  const busy = useSignal(false)
  const error = useSignal<string | null>(null)
  useEffect(() => () => photo.value && URL.revokeObjectURL(photo.value.url), [])

  const cam = camera.state.value
  if (cam !== 'open' && cam !== 'opening')
    return (
      <div class="face-failed">
        <p class="fail-text" role="alert">
          {zh.vouch.noCamera}
        </p>
        <Fallbacks options={ALL_FALLBACKS.filter((f) => f !== 'vouch')} flow="checkin" />
      </div>
    )

  const take = async () => {
    busy.value = true
    error.value = null
    const jpeg = await camera.grab()
    const r = jpeg
      ? await api.photo(jpeg.blob, { purpose: 'witness', takenBy: p.cadreId, activityId: p.activityId })
      : null
    busy.value = false
    if (!jpeg || !r?.ok) {
      error.value = errorText(r && !r.ok ? r.code : 'other')
      fb.failure(error.value)
      return
    }
    if (photo.value) URL.revokeObjectURL(photo.value.url)
    photo.value = { id: r.data.photoId, url: URL.createObjectURL(jpeg.blob) }
  }

  const vouch = async () => {
    if (!photo.value) return
    busy.value = true
    const problem = await p.onVouch(photo.value.id)
    busy.value = false
    if (problem) {
      error.value = problem
      fb.failure(problem)
    }
  }

  const name = p.person.name ?? p.person.personId
  return (
    <div class="face-live">
      <CameraView videoRef={camera.videoRef} still={photo.value?.url} />
      <div class="face-side">
        <p class="guidance">{photo.value ? zh.vouch.check(name) : zh.vouch.photo}</p>
        {error.value ? (
          <p class="entry-error" role="alert">
            {error.value}
          </p>
        ) : (
          <p class="muted">{zh.vouch.photoHint}</p>
        )}
        {photo.value ? (
          <>
            <Button
              label={zh.vouch.confirm(name)}
              kind="primary"
              size="xl"
              busy={busy.value}
              testId="vouch-confirm"
              onPress={vouch}
            />
            <Button label={zh.vouch.retake} size="lg" disabled={busy.value} onPress={take} />
          </>
        ) : (
          <Button
            label={zh.vouch.take}
            icon="camera"
            kind="primary"
            size="xl"
            busy={busy.value}
            disabled={cam !== 'open'}
            testId="vouch-take"
            onPress={take}
          />
        )}
      </div>
    </div>
  )
}

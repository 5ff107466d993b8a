import { useSignal } from '@preact/signals'
import { api } from '../../api/kiosk.js'
import type { Person, PersonRef } from '../../api/types.js'
import { CadreLogin } from '../../components/CadreLogin.js'
import { IdEntry } from '../../components/IdEntry.js'
import { ScreenFrame } from '../../components/ScreenFrame.js'
import { useKiosk } from '../../context.js'
import { errorText, zh } from '../../strings.js'
import { WitnessPhoto } from './WitnessPhoto.js'

/**
 * 代签 (docs/KIOSK.md "Sign-in outcomes", vouch): the cadre proves who they are, names the
 * villager, takes a witness photo at the kiosk, and vouches. The cadre's PIN lives only in this
 * screen's state, for the final POST, and is gone when the screen is.
 */
export function Vouch() {
  const { state, showOutcome } = useKiosk()
  const cadre = useSignal<{ who: PersonRef; pin: string } | null>(null)
  const person = useSignal<Person | null>(null)

  const step = !cadre.value ? 'cadre' : !person.value ? 'person' : 'photo'
  const back =
    step === 'photo'
      ? () => (person.value = null)
      : step === 'person'
        ? () => (cadre.value = null)
        : undefined

  return (
    <ScreenFrame title={zh.vouch.title} testId="vouch" onBack={back}>
      {step === 'cadre' && <CadreLogin onDone={(who, pin) => (cadre.value = { who, pin })} />}
      {step === 'person' && <IdEntry prompt={zh.vouch.personId} onDone={(p) => (person.value = p)} />}
      {step === 'photo' && cadre.value && person.value && (
        <WitnessPhoto
          person={person.value}
          cadreId={cadre.value.who.personId}
          activityId={state.activity.value?.activityId}
          onVouch={async (witnessPhotoId) => {
            const c = cadre.value
            const p = person.value
            if (!c || !p) return null
            const r = await api.vouch({
              personId: p.personId,
              cadreId: c.who.personId,
              cadrePin: c.pin,
              witnessPhotoId,
            })
            if (!r.ok) return errorText(r.code)
            showOutcome(r.data, 'screen')
            return null
          }}
        />
      )}
    </ScreenFrame>
  )
}

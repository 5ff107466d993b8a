import { useSignal } from '@preact/signals'
import { useEffect } from 'preact/hooks'
import { api } from '../../api/kiosk.js'
import type { Person } from '../../api/types.js'
import { Button } from '../../components/Button.js'
import { CadreLogin } from '../../components/CadreLogin.js'
import { IdEntry } from '../../components/IdEntry.js'
import { ScreenFrame } from '../../components/ScreenFrame.js'
import { Spinner } from '../../components/Spinner.js'
import { useKiosk } from '../../context.js'
import { errorText, zh } from '../../strings.js'
import { Capture } from './Capture.js'
import { Consent } from './Consent.js'

type Step = 'person' | 'consent' | 'refused' | 'capture' | 'done'

/**
 * Face enrolment (docs/FACE.md "Enrolment and personal data"): a cadre authorises it, the person
 * reads and accepts the consent on its own screen (a refusal is recorded too, and ends here),
 * then 3–5 guided captures go to POST /api/face/enrol.
 */
export function Enrol() {
  const { state, nav, fb } = useKiosk()
  const person = useSignal<Person | null>(null)
  const step = useSignal<Step>('person')
  // the consent text names how long this kiosk keeps a template; face off: no enrolment at all
  const retention = useSignal<number | 'off' | null>(null)
  useEffect(() => {
    void api.face().then((r) => {
      retention.value = r.ok && r.data.enabled && r.data.retentionDays ? r.data.retentionDays : 'off'
    })
  }, [])
  const cadre = state.cadre.value

  if (!cadre)
    return (
      <ScreenFrame title={zh.enrol.title} testId="enrol">
        <CadreLogin onDone={(c) => (state.cadre.value = c)} />
      </ScreenFrame>
    )

  const p = person.value
  const name = p?.name ?? p?.personId ?? ''
  const decide = async (granted: boolean): Promise<string | null> => {
    if (!p) return null
    const r = await api.consent({
      personId: p.personId,
      granted,
      textVersion: zh.consent.version,
      authorisedBy: cadre.personId,
    })
    if (!r.ok) return errorText(r.code)
    step.value = granted ? 'capture' : 'refused'
    if (!granted) fb.say(zh.enrol.refused)
    return null
  }

  return (
    <ScreenFrame
      title={zh.enrol.title}
      testId="enrol"
      onBack={step.value === 'consent' ? () => (step.value = 'person') : undefined}
    >
      {step.value === 'person' && (
        <IdEntry
          prompt={zh.enrol.personId}
          onDone={(x) => {
            person.value = x
            step.value = 'consent'
          }}
        />
      )}
      {step.value === 'consent' &&
        (retention.value === null ? (
          <Spinner label={zh.common.wait} />
        ) : retention.value === 'off' ? (
          <p class="fail-text" role="alert" data-testid="enrol-off">
            {zh.enrol.faceOff}
          </p>
        ) : (
          <Consent name={name} retentionDays={retention.value} onDecide={decide} />
        ))}
      {step.value === 'refused' && (
        <div class="prompt">
          <p class="prompt-text" data-testid="consent-refused">
            {zh.enrol.refused}
          </p>
          <Button label={zh.common.home} kind="primary" size="xl" onPress={nav.home} />
        </div>
      )}
      {step.value === 'capture' && p && (
        <Capture
          personId={p.personId}
          cadreId={cadre.personId}
          onDone={() => {
            step.value = 'done'
            fb.success(zh.enrol.done(name))
          }}
        />
      )}
      {step.value === 'done' && (
        <div class="prompt">
          <p class="prompt-text" data-testid="enrol-done">
            {zh.enrol.done(name)}
          </p>
          <Button label={zh.common.done} kind="primary" size="xl" onPress={nav.home} />
        </div>
      )}
    </ScreenFrame>
  )
}

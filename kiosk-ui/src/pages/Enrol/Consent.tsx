import { useSignal } from '@preact/signals'
import { Button } from '../../components/Button.js'
import { zh } from '../../strings.js'

/**
 * The consent text on a screen of its own, with 同意 and 不同意 of equal size: PIPL art. 29 asks
 * for a separate consent to face data, and refusing must be as easy as agreeing.
 */
export function Consent(p: {
  name: string
  /** The station's face.retentionDays, which the text names. */
  retentionDays: number
  onDecide: (granted: boolean) => Promise<string | null>
}) {
  const busy = useSignal<boolean | null>(null)
  const error = useSignal<string | null>(null)
  const decide = async (granted: boolean) => {
    busy.value = granted
    error.value = await p.onDecide(granted)
    busy.value = null
  }
  return (
    <div class="consent" data-testid="consent">
      <h2>
        {p.name} · {zh.consent.title}
      </h2>
      <div class="consent-text">
        {zh.consent.paragraphs(p.retentionDays).map((t) => (
          <p key={t}>{t}</p>
        ))}
        <p class="muted">{zh.consent.versionLabel(zh.consent.version)}</p>
      </div>
      {error.value && (
        <p class="entry-error" role="alert">
          {error.value}
        </p>
      )}
      <div class="consent-actions">
        <Button
          label={zh.consent.refuse}
          size="xl"
          busy={busy.value === false}
          disabled={busy.value !== null}
          testId="consent-refuse"
          onPress={() => decide(false)}
        />
        <Button
          label={zh.consent.agree}
          kind="primary"
          size="xl"
          busy={busy.value === true}
          disabled={busy.value !== null}
          testId="consent-agree"
          onPress={() => decide(true)}
        />
      </div>
    </div>
  )
}

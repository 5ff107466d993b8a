import { useSignal } from '@preact/signals'
import { api } from '../../api/kiosk.js'
import type { Person } from '../../api/types.js'
import { ALL_FALLBACKS, Fallbacks } from '../../components/Fallbacks.js'
import { IdEntry } from '../../components/IdEntry.js'
import { PinEntry } from '../../components/PinEntry.js'
import { ScreenFrame } from '../../components/ScreenFrame.js'
import { useKiosk } from '../../context.js'
import type { Flow } from '../../screens.js'
import { errorText, zh } from '../../strings.js'

const TITLES: Record<Flow, string> = { checkin: zh.pin.title, duty: zh.duty.pin, lookup: zh.study.title }

/**
 * PIN sign-in: the person's code, then the PIN (POST /api/signin/pin). A wrong PIN stays on
 * the keypad with the words; a locked PIN (5 wrong, 5 minutes) offers the other ways.
 */
export function Pin({ flow }: { flow: Flow }) {
  const { showOutcome, fb } = useKiosk()
  const person = useSignal<Person | null>(null)
  const locked = useSignal(false)

  if (locked.value)
    return (
      <ScreenFrame title={TITLES[flow]} testId="pin" onBack={() => (locked.value = false)}>
        <div class="face-failed">
          <p class="fail-text" role="alert" data-testid="pin-locked">
            {zh.unknownReason.pinLocked}
          </p>
          <Fallbacks options={ALL_FALLBACKS.filter((f) => f !== 'pin')} flow={flow} />
        </div>
      </ScreenFrame>
    )

  const who = person.value
  return (
    <ScreenFrame title={TITLES[flow]} testId="pin" onBack={who ? () => (person.value = null) : undefined}>
      {!who ? (
        <IdEntry prompt={zh.pin.enterId} onDone={(p) => (person.value = p)} />
      ) : (
        <PinEntry
          key={who.personId}
          prompt={zh.pin.enterPin(who.name ?? who.personId)}
          onSubmit={async (pin) => {
            const r = await api.signInPin(who.personId, pin)
            if (r.ok) {
              showOutcome(r.data, 'screen')
              return null
            }
            if (r.code === 'pinLocked') {
              locked.value = true
              fb.failure(zh.unknownReason.pinLocked)
              return null
            }
            return errorText(r.code)
          }}
        />
      )}
    </ScreenFrame>
  )
}

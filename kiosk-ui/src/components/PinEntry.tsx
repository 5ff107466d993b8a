import { useSignal } from '@preact/signals'
import { useKiosk } from '../context.js'
import { zh } from '../strings.js'
import { Keypad } from './Keypad.js'

/**
 * A PIN on the keypad, shown as dots. `onSubmit` answers with the words of a refusal (the
 * field clears for another try) or null when the PIN was taken.
 */
export function PinEntry(p: { prompt: string; onSubmit: (pin: string) => Promise<string | null> }) {
  const { fb } = useKiosk()
  const value = useSignal('')
  const error = useSignal<string | null>(null)
  const busy = useSignal(false)
  const valid = /^[0-9]{4,8}$/.test(value.value)

  const submit = async () => {
    if (!valid || busy.value) return
    busy.value = true
    const problem = await p.onSubmit(value.value)
    busy.value = false
    if (problem) {
      error.value = problem
      value.value = ''
      fb.failure(problem)
    }
  }

  return (
    <div class="entry">
      <div class="entry-side">
        <p class="entry-prompt">{p.prompt}</p>
        <output class="entry-value entry-pin" data-testid="pin-value">
          {'●'.repeat(value.value.length) || '\u00a0'}
        </output>
        {error.value ? (
          <p class="entry-error" role="alert">
            {error.value}
          </p>
        ) : (
          <p class="entry-hint">{zh.pin.pinHint}</p>
        )}
      </div>
      <Keypad
        onKey={(k) => {
          error.value = null
          if (value.value.length < 8) value.value += k
        }}
        onDelete={() => (value.value = value.value.slice(0, -1))}
        onOk={submit}
        okLabel={busy.value ? zh.common.wait : zh.common.confirm}
        okDisabled={!valid || busy.value}
      />
    </div>
  )
}

import { useSignal } from '@preact/signals'
import { api } from '../api/kiosk.js'
import type { Person } from '../api/types.js'
import { useKiosk } from '../context.js'
import { expandPersonId } from '../personId.js'
import { errorText, zh } from '../strings.js'
import { Keypad } from './Keypad.js'

const MAX_LEN = 40

/**
 * Typing a roster code on the keypad, then looking it up (GET /api/people/:id) so the next
 * step can greet the person by name and a typo is caught before the PIN.
 */
export function IdEntry(p: {
  prompt: string
  hint?: string
  cadreOnly?: boolean
  onDone: (person: Person) => void
}) {
  const { state, fb } = useKiosk()
  const value = useSignal('')
  const error = useSignal<string | null>(null)
  const busy = useSignal(false)

  const submit = async () => {
    if (!value.value || busy.value) return
    busy.value = true
    const id = expandPersonId(value.value, state.status.value?.station.id)
    const r = await api.person(id)
    busy.value = false
    let problem: string | null = null
    if (!r.ok) problem = r.status === 404 ? zh.pin.notFound : errorText(r.code)
    else if (p.cadreOnly && !r.data.roles.includes('cadre')) problem = errorText('notCadre')
    if (problem || !r.ok) {
      error.value = problem
      fb.failure(problem ?? undefined)
      return
    }
    p.onDone(r.data)
  }

  return (
    <div class="entry">
      <div class="entry-side">
        <p class="entry-prompt">{p.prompt}</p>
        <output class="entry-value" data-testid="entry-value">
          {value.value || '\u00a0'}
        </output>
        {error.value ? (
          <p class="entry-error" role="alert">
            {error.value}
          </p>
        ) : (
          <p class="entry-hint">{p.hint ?? zh.pin.idHint}</p>
        )}
      </div>
      <Keypad
        letters
        onKey={(k) => {
          error.value = null
          if (value.value.length < MAX_LEN) value.value += k
        }}
        onDelete={() => (value.value = value.value.slice(0, -1))}
        onOk={submit}
        okLabel={busy.value ? zh.common.wait : zh.common.next}
        okDisabled={!value.value || busy.value}
      />
    </div>
  )
}

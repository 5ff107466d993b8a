import { useKiosk } from '../context.js'
import { zh } from '../strings.js'

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9']

/**
 * A big keypad for people who have never typed on glass: ten digits, an optional row of the
 * letters roster codes start with (m 党员, c 干部, v 群众, and the dash of a full id), delete and OK.
 */
export function Keypad(p: {
  onKey: (k: string) => void
  onDelete: () => void
  onOk: () => void
  okLabel: string
  okDisabled?: boolean
  letters?: boolean
}) {
  const { fb } = useKiosk()
  const key = (k: string, label: string = k, hint?: string) => (
    <button
      type="button"
      key={k}
      class="key"
      data-key={k}
      onPointerDown={() => fb.click()}
      onClick={() => p.onKey(k)}
    >
      {label}
      {hint && <span class="key-hint">{hint}</span>}
    </button>
  )
  return (
    <div class="keypad" data-testid="keypad">
      {p.letters && (
        <div class="keypad-letters">
          {['m', 'c', 'v'].map((l) => key(l, l, zh.pin.letters[l]))}
          {key('-')}
        </div>
      )}
      <div class="keypad-digits">
        {DIGITS.map((d) => key(d))}
        <button
          type="button"
          class="key key-fn"
          data-key="delete"
          onPointerDown={() => fb.click()}
          onClick={p.onDelete}
        >
          {zh.common.del}
        </button>
        {key('0')}
        <button
          type="button"
          class="key key-ok"
          data-key="ok"
          disabled={p.okDisabled}
          onPointerDown={() => fb.click()}
          onClick={p.onOk}
        >
          {p.okLabel}
        </button>
      </div>
    </div>
  )
}

import { useSignal } from '@preact/signals'
import { useEffect, useRef } from 'preact/hooks'
import { api } from '../../api/kiosk.js'
import { Button } from '../../components/Button.js'
import { useKiosk } from '../../context.js'
import { errorText, zh } from '../../strings.js'

/** The agent takes a code up to this long (edge kioskRoutes.ts, POST /api/enrol/check). */
const MAX_CODE = 1024

/**
 * The enrolment sheet's code checked without the kiosk's QR reader: typed, pasted, or typed by
 * a USB barcode scanner, which acts as a keyboard and ends the code with Enter. The answer opens
 * the same 登记核对 screen as a scan at the reader (POST /api/enrol/check, docs/KIOSK.md); a
 * refusal shows here in the catalogue's words.
 */
export function EnrolCodeCheck() {
  const { fb, showEnrolAnswer } = useKiosk()
  const text = useSignal('')
  const busy = useSignal(false)
  const problem = useSignal<string | null>(null)
  const input = useRef<HTMLInputElement>(null)
  // focused as the screen opens, so a USB scanner's keystrokes land here without a touch
  useEffect(() => input.current?.focus(), [])

  const fail = (words: string) => {
    problem.value = words
    fb.failure(words)
    input.current?.focus()
  }
  const submit = async () => {
    if (busy.value) return
    const payload = text.value.trim()
    if (!payload) return fail(zh.admin.enrolCode.empty)
    busy.value = true
    problem.value = null
    const r = await api.enrolCheck(payload)
    busy.value = false
    if (r.ok) {
      text.value = ''
      showEnrolAnswer(r.data)
    } else fail(r.status === 400 ? zh.admin.enrolCode.invalid : errorText(r.code))
  }

  return (
    <section class="panel" data-testid="admin-enrol-code">
      <h2>
        <label for="enrol-code">{zh.admin.enrolCode.title}</label>
      </h2>
      <form
        class="enrol-code"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <input
          id="enrol-code"
          ref={input}
          class="enrol-code-input"
          type="text"
          value={text.value}
          onInput={(e) => (text.value = e.currentTarget.value)}
          maxLength={MAX_CODE}
          autocomplete="off"
          autocapitalize="off"
          spellcheck={false}
          enterKeyHint="go"
          aria-invalid={problem.value ? 'true' : undefined}
          data-testid="enrol-code-input"
        />
        <Button
          label={zh.admin.enrolCode.check}
          kind="primary"
          size="lg"
          busy={busy.value}
          testId="enrol-code-check"
          onPress={() => void submit()}
        />
      </form>
      {problem.value ? (
        <p class="entry-error" role="alert" data-testid="enrol-code-error">
          {problem.value}
        </p>
      ) : (
        <p class="entry-hint">{zh.admin.enrolCode.hint}</p>
      )}
    </section>
  )
}

import type { EnrolAnswer, EnrolProblem } from '../../api/types.js'
import { Button } from '../../components/Button.js'
import { Icon } from '../../components/Icon.js'
import { ScreenFrame } from '../../components/ScreenFrame.js'
import { useKiosk } from '../../context.js'
import { zh } from '../../strings.js'

/** The problem in the catalogue's words; the agent's English `message` is for the fault log. */
export function problemText(p: EnrolProblem): string {
  const s = zh.enrolCheck.problem
  switch (p.code) {
    case 'station':
      return s.station(p.installed ?? '', p.sheet ?? '')
    case 'hub':
      return s.hub(p.installed ?? '', p.sheet ?? '')
    case 'ca':
      return s.ca
    case 'malformed':
      return s.malformed
  }
}

/**
 * The answer to the enrolment sheet's QR code scanned at this kiosk (docs/OPERATIONS.md,
 * "The enrolment sheet"): installed as the sheet says, or what differs and who to call.
 */
export function EnrolCheck({ answer }: { answer: EnrolAnswer }) {
  const { nav } = useKiosk()
  return (
    <ScreenFrame
      title={zh.enrolCheck.title}
      testId="enrol-check"
      footer={<Button label={zh.common.done} kind="primary" onPress={nav.home} testId="enrol-check-done" />}
    >
      <div class={answer.ok ? 'result result-ok' : 'result result-fail'} data-ok={String(answer.ok)}>
        <div class="result-main">
          <p class="result-head">
            <Icon name={answer.ok ? 'check' : 'cross'} class="result-icon" />
            <span data-testid="enrol-check-title">
              {answer.ok ? zh.enrolCheck.ok(answer.stationId) : zh.enrolCheck.failed}
            </span>
          </p>
          {!answer.ok && (
            <>
              {answer.problems.map((p) => (
                <p key={p.code} class="fail-text" role="alert" data-testid="enrol-check-problem">
                  {problemText(p)}
                </p>
              ))}
              <p class="result-line">{zh.enrolCheck.contact}</p>
            </>
          )}
        </div>
      </div>
    </ScreenFrame>
  )
}

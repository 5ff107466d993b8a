import { ApiError, type ApiProblem, messageOf } from '../../api/client.js'

/** The hub's refusal of a push or a command: its message and each problem it named. */
export interface Refusal {
  message: string
  problems: readonly ApiProblem[]
}

export function refusalOf(err: unknown): Refusal {
  return {
    message: messageOf(err),
    problems: err instanceof ApiError ? err.problems : [],
  }
}

/** The refusal, with each problem at its path, under the form that was refused. */
export function Refused(props: { title: string; refusal: Refusal; testId: string }) {
  return (
    <div class="bad-text" role="alert" data-testid={props.testId}>
      {props.title}
      {props.refusal.message}
      <ul class="problems">
        {props.refusal.problems.map((p) => (
          <li key={`${p.path}-${p.message}`}>
            <code>{p.path || '/'}</code> {p.message}
          </li>
        ))}
      </ul>
    </div>
  )
}

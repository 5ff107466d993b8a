import type { Study } from '../api/types.js'
import { hours } from '../format.js'
import { zh } from '../strings.js'

/** This year's study hours against the target, with where the member should be by now. */
export function StudyProgress({ study, compact }: { study: Study; compact?: boolean }) {
  const { done, dueByNow, target } = study
  const pct = (h: number) => `${target > 0 ? Math.min(100, (h / target) * 100) : 100}%`
  const gap = Math.max(0, dueByNow - done)
  return (
    <div class={compact ? 'study study-compact' : 'study'} data-testid="study">
      <p class="study-line">{zh.study.doneOf(Number(hours(done)), Number(hours(target)))}</p>
      <div
        class="bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={target}
        aria-valuenow={done}
        aria-label={zh.study.title}
      >
        <div class={study.behind ? 'bar-done bar-behind' : 'bar-done'} style={{ width: pct(done) }} />
        <div class="bar-due" style={{ left: pct(dueByNow) }} />
      </div>
      <p class="study-due">{zh.study.dueByNow(Number(hours(dueByNow)))}</p>
      {study.behind && gap > 0 ? (
        <p class="study-behind" role="alert" data-testid="study-behind">
          {zh.study.behind(Number(hours(gap)))}
        </p>
      ) : (
        <p class="study-ok">{done >= target ? zh.study.complete : zh.study.onTrack}</p>
      )}
      <p class="study-asof">{zh.study.asOf(study.asOf)}</p>
    </div>
  )
}

/** One line of a member's study-hour ledger. */
export interface StudyEntry {
  personId: string
  hours: number
  /** activity: an activity attended; study: a study session; manual: entered at the hub. */
  source: 'activity' | 'study' | 'manual'
  ref: string
  date: string
}

export interface StudyTargets {
  yearly: number
  /** Hours due by the end of each quarter (cumulative), e.g. [8, 16, 24, 32]. */
  byQuarter: [number, number, number, number]
}

export interface StudyStatus {
  personId: string
  year: number
  done: number
  target: number
  /** Hours due by now: the cumulative target of the current quarter's start… end, pro rata. */
  dueByNow: number
  behind: boolean
  shortfall: number
}

/**
 * Where a member stands: hours this year against what is due by today. The due amount
 * grows through each quarter towards that quarter's cumulative target, so nobody is
 * "behind" on the first day of a quarter for hours not yet due.
 */
export function studyStatus(
  personId: string,
  entries: readonly StudyEntry[],
  targets: StudyTargets,
  today: string,
): StudyStatus {
  const year = Number(today.slice(0, 4))
  const done = round(
    entries
      .filter((e) => e.personId === personId && e.date.startsWith(`${year}-`))
      .reduce((n, e) => n + e.hours, 0),
  )
  const dueByNow = round(dueOn(targets, today))
  const shortfall = round(Math.max(0, dueByNow - done))
  return { personId, year, done, target: targets.yearly, dueByNow, behind: shortfall > 0, shortfall }
}

function dueOn(targets: StudyTargets, today: string): number {
  const year = today.slice(0, 4)
  const month = Number(today.slice(5, 7))
  const q = Math.floor((month - 1) / 3)
  const qStart = Date.parse(`${year}-${String(q * 3 + 1).padStart(2, '0')}-01T00:00:00Z`)
  const qEnd =
    q === 3
      ? Date.parse(`${Number(year) + 1}-01-01T00:00:00Z`)
      : Date.parse(`${year}-${String(q * 3 + 4).padStart(2, '0')}-01T00:00:00Z`)
  const t = Date.parse(`${today}T00:00:00Z`)
  const before = q === 0 ? 0 : (targets.byQuarter[q - 1] as number)
  const atEnd = targets.byQuarter[q] as number
  return before + (atEnd - before) * ((t - qStart) / (qEnd - qStart))
}

const round = (n: number) => Math.round(n * 100) / 100

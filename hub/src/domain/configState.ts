import type { ConfigProblem } from '@ejia/protocol'

/**
 * Where a station's config stands, from what the hub wants and what the kiosk said
 * (docs/OPERATIONS.md, "Remote config and commands"):
 * - `none`: nothing was ever pushed to it; it runs on its provisioned file.
 * - `applied`: the kiosk runs the desired version (its configState, or a heartbeat naming it).
 * - `rejected`: the kiosk refused the desired version, for the problems it gave; it keeps
 *   running on the version it had.
 * - `pending`: not heard about yet (offline, or still applying).
 */
export type ConfigStanding = 'none' | 'pending' | 'applied' | 'rejected'

export interface ConfigReport {
  desiredVersion: number | null
  appliedVersion: number | null
  state: 'applied' | 'rejected' | null
  problems: ConfigProblem[]
  heartbeatVersion: number | null
}

export function configStanding(
  desired: number | null,
  report: ConfigReport | undefined,
): { state: ConfigStanding; appliedVersion: number; problems: ConfigProblem[] } {
  const applied = Math.max(report?.appliedVersion ?? 0, report?.heartbeatVersion ?? 0)
  if (desired === null) return { state: 'none', appliedVersion: applied, problems: [] }
  if (applied >= desired) return { state: 'applied', appliedVersion: applied, problems: [] }
  if (report?.state === 'rejected' && report.desiredVersion === desired)
    return { state: 'rejected', appliedVersion: applied, problems: report.problems }
  return { state: 'pending', appliedVersion: applied, problems: [] }
}

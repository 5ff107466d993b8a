export type AlarmKind = 'unmanned'

/**
 * An alarm as operators handle it, after the habits of fleet consoles: it is raised and
 * later cleared by what it watches, and separately acknowledged by a person.
 */
export interface Alarm {
  id: number
  kind: AlarmKind
  stationId: string
  raisedAt: number
  detail: unknown
  clearedAt: number | null
  clearReason: string | null
  ackedBy: string | null
  ackedAt: number | null
}

export interface AlarmStore {
  active(kind: AlarmKind): Promise<Alarm[]>
  raise(kind: AlarmKind, stationId: string, at: number, detail: unknown): Promise<number>
  clear(id: number, at: number, reason: string): Promise<void>
  /** Throws WorkError('notFound') for an unknown id; acknowledging twice keeps the first. */
  acknowledge(id: number, by: string, at: number): Promise<Alarm>
  get(id: number): Promise<Alarm | undefined>
  list(filter: {
    active?: boolean
    stationId?: string
    townCode?: string
    from?: number
    to?: number
    limit: number
  }): Promise<Alarm[]>
}

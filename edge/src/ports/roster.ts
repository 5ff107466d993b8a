import type { DutyRota, PlannedActivity, RosterPerson, RosterUpdate, StudySummary } from '@ejia/protocol'
import type { CredentialMethod } from '../domain/credentials/rosterIndex.js'

export type { CredentialMethod }

/** Who is who at this station: people and the credentials the readers see. */
export interface Roster {
  readonly version: string
  readonly size: number
  lookup(method: CredentialMethod, credential: string): RosterPerson | undefined
  person(personId: string): RosterPerson | undefined
}

/** A member's study hours as the hub last reported them, and as of which day. */
export type StudyStanding = StudySummary & { asOf: string }

/**
 * The station's roster as the hub keeps it, held on the kiosk so sign-in works offline.
 * Updates arrive in parts; nothing changes until every part of one update is in.
 */
export interface RosterReplica extends Roster {
  /** The hub's roster version this kiosk holds; 0 before the first sync. */
  readonly syncedVersion: number
  receive(part: RosterUpdate): Promise<'staged' | 'applied' | 'stale'>
  /**
   * Forgets which hub version it holds (reports 0), so the hub sends a full roster. The
   * people stay in force until that full roster replaces them.
   */
  forget(): Promise<void>
  study(personId: string): StudyStanding | undefined
  /** The station's rota versions (from the one in force yesterday on), as the hub last sent them. */
  rotas(): readonly DutyRota[]
  /** The station's planned activities, from yesterday to two weeks ahead. */
  plans(): readonly PlannedActivity[]
  close(): Promise<void>
}

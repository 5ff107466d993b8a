import type { RosterPerson } from '@ejia/protocol'

export type CredentialMethod = 'card' | 'qr' | 'fingerprint'

/** Who is who at this station: people and the credentials the readers see. */
export interface Roster {
  readonly version: string
  readonly size: number
  lookup(method: CredentialMethod, credential: string): RosterPerson | undefined
}

import { CodedError } from '@ejia/platform'
import type { RosterPerson } from '@ejia/protocol'

export type CredentialMethod = 'card' | 'qr' | 'fingerprint'

export class RosterError extends CodedError<
  'rosterUnreadable' | 'rosterInvalid' | 'credentialTwice' | 'rosterStorage'
> {}

/**
 * People by id and by every credential they hold. Every credential must belong to one
 * person only: a card on two people would sign in the wrong one, so that is refused.
 */
export class RosterIndex {
  private readonly byCredential = new Map<string, RosterPerson>()
  private readonly byId = new Map<string, RosterPerson>()

  constructor(people: Iterable<RosterPerson>) {
    for (const p of people) {
      this.byId.set(p.personId, p)
      const keys: [CredentialMethod, string][] = [
        ...p.cards.map((c): [CredentialMethod, string] => ['card', c]),
        ...p.qrTokens.map((t): [CredentialMethod, string] => ['qr', t]),
        ...p.fingerprints.map((f): [CredentialMethod, string] => ['fingerprint', String(f)]),
      ]
      for (const [method, credential] of keys) {
        const key = keyOf(method, credential)
        const other = this.byCredential.get(key)
        if (other && other.personId !== p.personId) {
          throw new RosterError(
            'credentialTwice',
            `${method} ${credential} belongs to both ${other.personId} and ${p.personId}`,
          )
        }
        this.byCredential.set(key, p)
      }
    }
  }

  get size(): number {
    return this.byId.size
  }

  lookup(method: CredentialMethod, credential: string): RosterPerson | undefined {
    return this.byCredential.get(keyOf(method, credential))
  }

  person(personId: string): RosterPerson | undefined {
    return this.byId.get(personId)
  }
}

/** Card numbers compare without regard to case (readers differ); QR tokens exactly. */
function keyOf(method: CredentialMethod, credential: string): string {
  return `${method}:${method === 'card' ? credential.toUpperCase() : credential}`
}

import { readFileSync } from 'node:fs'
import { CodedError } from '@ejia/platform'
import { type RosterPerson, Roster as RosterSchema, toWireErrors } from '@ejia/protocol'
import { Compile } from 'typebox/compile'
import { Value } from 'typebox/value'
import type { CredentialMethod, Roster } from '../../ports/roster.js'

export class RosterError extends CodedError<'rosterUnreadable' | 'rosterInvalid' | 'credentialTwice'> {}

const validator = Compile(RosterSchema)

/**
 * The roster from a JSON file (until the hub syncs it). Every credential must belong to
 * one person only: a card on two people would sign in the wrong one, so that is refused.
 */
export class JsonRoster implements Roster {
  private readonly index = new Map<string, RosterPerson>()

  private constructor(
    readonly version: string,
    people: readonly RosterPerson[],
  ) {
    for (const p of people) {
      const keys: [CredentialMethod, string][] = [
        ...p.cards.map((c): [CredentialMethod, string] => ['card', c]),
        ...p.qrTokens.map((t): [CredentialMethod, string] => ['qr', t]),
        ...p.fingerprints.map((f): [CredentialMethod, string] => ['fingerprint', String(f)]),
      ]
      for (const [method, credential] of keys) {
        const key = keyOf(method, credential)
        const other = this.index.get(key)
        if (other && other.personId !== p.personId) {
          throw new RosterError(
            'credentialTwice',
            `${method} ${credential} belongs to both ${other.personId} and ${p.personId}`,
          )
        }
        this.index.set(key, p)
      }
    }
    this.size = people.length
  }

  readonly size: number

  static empty(): JsonRoster {
    return new JsonRoster('empty', [])
  }

  static parse(raw: unknown, source = '<roster>'): JsonRoster {
    const value = Value.Default(RosterSchema, structuredClone(raw))
    if (!validator.Check(value)) {
      const problems = toWireErrors(validator.Errors(value)).map((e) => `${e.path}: ${e.message}`)
      throw new RosterError('rosterInvalid', `${source} is not a valid roster: ${problems.join('; ')}`)
    }
    return new JsonRoster(value.version, value.people)
  }

  static load(file: string): JsonRoster {
    let raw: unknown
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'))
    } catch (err) {
      throw new RosterError('rosterUnreadable', `roster ${file} cannot be read: ${(err as Error).message}`)
    }
    return JsonRoster.parse(raw, file)
  }

  lookup(method: CredentialMethod, credential: string): RosterPerson | undefined {
    return this.index.get(keyOf(method, credential))
  }
}

/** Card numbers compare without regard to case (readers differ); QR tokens exactly. */
function keyOf(method: CredentialMethod, credential: string): string {
  return `${method}:${method === 'card' ? credential.toUpperCase() : credential}`
}

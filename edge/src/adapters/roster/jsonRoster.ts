import { readFileSync } from 'node:fs'
import { type RosterPerson, Roster as RosterSchema, toWireErrors } from '@ejia/protocol'
import { Compile } from 'typebox/compile'
import { Value } from 'typebox/value'
import { RosterError, RosterIndex } from '../../domain/credentials/rosterIndex.js'
import type { CredentialMethod, Roster } from '../../ports/roster.js'

const validator = Compile(RosterSchema)

/**
 * The roster from a JSON file, for a kiosk provisioned without roster sync (a test bench,
 * a station whose office hands out files). A credential on two people is refused.
 */
export class JsonRoster implements Roster {
  private readonly index: RosterIndex

  private constructor(
    readonly version: string,
    people: readonly RosterPerson[],
  ) {
    this.index = new RosterIndex(people)
  }

  get size(): number {
    return this.index.size
  }

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
    return this.index.lookup(method, credential)
  }

  person(personId: string): RosterPerson | undefined {
    return this.index.person(personId)
  }
}

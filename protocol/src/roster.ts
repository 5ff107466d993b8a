import Type, { type Static } from 'typebox'
import { PersonId } from './ids.js'

/**
 * One person on a station's roster, with the credentials the kiosk's readers can see.
 * No names, no ID-card numbers, no face data: the kiosk needs only to tell people apart.
 */
export const RosterPerson = Type.Object(
  {
    personId: PersonId,
    roles: Type.Array(Type.Enum(['member', 'cadre', 'villager']), { minItems: 1, uniqueItems: true }),
    cards: Type.Array(
      Type.String({
        pattern: '^[0-9A-Fa-f]{10}$|^[0-9]{10}$|^[0-9]{3},[0-9]{5}$',
        description: 'As the reader reports it',
      }),
      {
        default: [],
      },
    ),
    qrTokens: Type.Array(Type.String({ minLength: 8, maxLength: 128 }), { default: [] }),
    fingerprints: Type.Array(
      Type.Integer({ minimum: 0, maximum: 65535, description: 'Fingerprint module page id' }),
      {
        default: [],
      },
    ),
  },
  { additionalProperties: false, title: 'RosterPerson' },
)
export type RosterPerson = Static<typeof RosterPerson>

export const Roster = Type.Object(
  {
    version: Type.String({ minLength: 1, maxLength: 64 }),
    people: Type.Array(RosterPerson),
  },
  { additionalProperties: false, title: 'Roster' },
)
export type Roster = Static<typeof Roster>

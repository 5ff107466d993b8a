import Type, { type Static } from 'typebox'
import { PersonId } from '../ids.js'
import { SignInMethod } from './credential.js'

/** A cadre clocked in or out of a duty shift (坐班) at the station. */
export const DutyPunchBody = Type.Object(
  {
    personId: PersonId,
    direction: Type.Enum(['in', 'out']),
    method: SignInMethod,
    score: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false, title: 'duty.punch' },
)
export type DutyPunchBody = Static<typeof DutyPunchBody>

import Type, { type Static } from 'typebox'
import { ActivityKind, ActivityTheme } from './events/activity.js'
import { PersonId } from './ids.js'
import { DutyRota } from './rota.js'

/** A card number as the reader reports it: 10 hex digits, 10 decimal digits, or W26 `fac,card`. */
export const CARD_NUMBER_PATTERN = '^[0-9A-Fa-f]{10}$|^[0-9]{10}$|^[0-9]{3},[0-9]{5}$'
export const CardNumber = Type.String({
  pattern: CARD_NUMBER_PATTERN,
  description: 'As the reader reports it',
})

/**
 * A PIN as the kiosk can check it offline without knowing it: scrypt with its cost,
 * a random salt and the derived key, `scrypt$N$r$p$<salt b64url>$<key b64url>`.
 */
export const PinHash = Type.String({
  pattern: '^scrypt\\$[0-9]{1,7}\\$[0-9]{1,2}\\$[0-9]{1,2}\\$[A-Za-z0-9_-]{16,64}\\$[A-Za-z0-9_-]{32,128}$',
  maxLength: 256,
  description: 'scrypt$N$r$p$salt$key, base64url',
})

/**
 * One person on a station's roster, with the credentials the kiosk's readers can see.
 * A short display name for the greeting after sign-in, and nothing more: no ID-card
 * numbers and no face data (face templates are enrolled at the kiosk and never leave it).
 */
export const RosterPerson = Type.Object(
  {
    personId: PersonId,
    name: Type.Optional(Type.String({ maxLength: 32, description: 'Shown on the kiosk after sign-in' })),
    roles: Type.Array(Type.Enum(['member', 'cadre', 'villager']), { minItems: 1, uniqueItems: true }),
    cards: Type.Array(CardNumber, { default: [], maxItems: 8 }),
    qrTokens: Type.Array(Type.String({ minLength: 8, maxLength: 128 }), { default: [], maxItems: 8 }),
    fingerprints: Type.Array(
      Type.Integer({ minimum: 0, maximum: 65535, description: 'Fingerprint module page id' }),
      { default: [], maxItems: 10 },
    ),
    pinHash: Type.Optional(PinHash),
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

/** A member's study hours as the hub last computed them, for the kiosk to show. */
export const StudySummary = Type.Object(
  {
    personId: PersonId,
    done: Type.Number({ minimum: 0 }),
    dueByNow: Type.Number({ minimum: 0 }),
    target: Type.Number({ minimum: 0 }),
    behind: Type.Boolean(),
  },
  { additionalProperties: false },
)
export type StudySummary = Static<typeof StudySummary>

/** An activity the hub has planned at the station, for the kiosk's idle screen and check-in. */
export const PlannedActivity = Type.Object(
  {
    activityId: Type.String({ minLength: 1, maxLength: 64 }),
    kind: Type.Union([ActivityKind, Type.Literal('makeUp')]),
    theme: Type.Optional(ActivityTheme),
    themeTitle: Type.Optional(Type.String({ maxLength: 64 })),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    agenda: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20 }),
    hours: Type.Number({ minimum: 0, maximum: 24 }),
  },
  { additionalProperties: false },
)
export type PlannedActivity = Static<typeof PlannedActivity>

/** People per roster message: a village of thousands travels in several parts, each well under the payload limit. */
export const ROSTER_PART_PEOPLE = 400

/**
 * Downlink, QoS 1: brings a kiosk's roster from `fromVersion` to `version` (or replaces it
 * when `full`), with the station's study hours as of `studyAsOf`, its rota and its planned
 * activities. The kiosk reports the
 * version it holds in its heartbeat; the hub sends what is missing. A large update comes
 * in `parts` messages; the kiosk applies it only once it holds every part, in one
 * transaction, so it never works from half a roster.
 */
export const RosterUpdate = Type.Object(
  {
    fromVersion: Type.Integer({ minimum: 0 }),
    version: Type.Integer({ minimum: 0 }),
    full: Type.Boolean(),
    part: Type.Integer({ minimum: 0, maximum: 99 }),
    parts: Type.Integer({ minimum: 1, maximum: 100 }),
    upserts: Type.Array(RosterPerson, { maxItems: ROSTER_PART_PEOPLE }),
    removals: Type.Array(PersonId, { maxItems: ROSTER_PART_PEOPLE }),
    studyAsOf: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    study: Type.Array(StudySummary, { maxItems: ROSTER_PART_PEOPLE }),
    /** The station's rota versions in force from yesterday on; in the first part only. */
    rotas: Type.Optional(Type.Array(DutyRota, { maxItems: 10 })),
    /** The station's planned activities from yesterday to two weeks ahead; in the first part only. */
    plans: Type.Optional(Type.Array(PlannedActivity, { maxItems: 100 })),
  },
  { additionalProperties: false, title: 'RosterUpdate' },
)
export type RosterUpdate = Static<typeof RosterUpdate>

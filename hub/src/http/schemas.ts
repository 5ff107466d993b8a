import { CardNumber, PersonId, PinHash, StationId, TownCode } from '@ejia/protocol'
import Type from 'typebox'

/**
 * A month 01–12 and a day 01–31: 2026-13-01 or 0000-00-00 is no date, and made
 * `toISOString` throw, a 500 (found by test/fuzz/hubApi.test.ts). With `format: 'date'`
 * (RFC 3339 full-date) also a day the month has: 2026-02-30 was read as 2026-03-02.
 */
const LOCAL_DATE_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$'

/** Shapes of the work data the API takes; the same rules the UI and CSV import follow. */
export const LocalDate = Type.String({
  pattern: LOCAL_DATE_PATTERN,
  format: 'date',
  description: 'Local date, YYYY-MM-DD',
})
const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'Local time, HH:MM' })

export const PersonBody = Type.Object(
  {
    personId: PersonId,
    stationId: StationId,
    name: Type.String({ minLength: 1, maxLength: 32 }),
    roles: Type.Array(Type.Enum(['member', 'cadre', 'villager']), { minItems: 1, uniqueItems: true }),
    cards: Type.Array(CardNumber, { default: [], maxItems: 8 }),
    qrTokens: Type.Array(Type.String({ minLength: 8, maxLength: 128 }), { default: [], maxItems: 8 }),
    fingerprints: Type.Array(Type.Integer({ minimum: 0, maximum: 65535 }), { default: [], maxItems: 10 }),
    pinHash: Type.Union([PinHash, Type.Null()], { default: null }),
  },
  { additionalProperties: false },
)

export const ScheduleBody = Type.Object(
  {
    validFrom: Type.Optional(
      Type.String({
        pattern: LOCAL_DATE_PATTERN,
        format: 'date',
        description: 'First local day this rota is in force (default: today); the days before keep theirs',
      }),
    ),
    patterns: Type.Array(
      Type.Object(
        {
          weekday: Type.Integer({ minimum: 1, maximum: 7 }),
          start: HHMM,
          end: HHMM,
          personIds: Type.Array(PersonId, { minItems: 1 }),
        },
        { additionalProperties: false },
      ),
    ),
    holidays: Type.Array(LocalDate, { default: [] }),
    extraWorkdays: Type.Array(
      Type.Object({ date: LocalDate, likeWeekday: Type.Integer({ minimum: 1, maximum: 7 }) }),
      { default: [] },
    ),
    graceLateMin: Type.Integer({ minimum: 0, maximum: 120, default: 5 }),
    graceEarlyMin: Type.Integer({ minimum: 0, maximum: 120, default: 5 }),
    duplicateWithinMin: Type.Integer({ minimum: 0, maximum: 60, default: 3 }),
  },
  { additionalProperties: false },
)

export const PlanBody = Type.Object(
  {
    stationId: StationId,
    kind: Type.Enum([
      'themeDay',
      'branchAssembly',
      'committeeMeeting',
      'groupMeeting',
      'partyLecture',
      'study',
      'makeUp',
      'other',
    ]),
    theme: Type.Optional(Type.Enum(['education', 'service', 'deliberation', 'harmony', 'x'])),
    themeTitle: Type.Optional(Type.String({ maxLength: 64 })),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    agenda: Type.Array(Type.String({ maxLength: 200 }), { default: [] }),
    date: LocalDate,
    expected: Type.Array(PersonId),
    quorum: Type.Optional(
      Type.Object({ fraction: Type.Number({ minimum: 0, maximum: 1 }), strictlyMore: Type.Boolean() }),
    ),
    leave: Type.Array(
      Type.Object({ personId: PersonId, reason: Type.String({ maxLength: 200 }), approvedBy: PersonId }),
      { default: [] },
    ),
    hours: Type.Number({ minimum: 0, maximum: 24, default: 0 }),
    makeUpOf: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
)

export const Level = Type.Enum(['district', 'town', 'village', 'person'], {
  default: 'town',
  description: 'Rows per district, town, village or person',
})
/** Drill-down: the rows of one town, or of one village. */
const ScopeQuery = {
  town: Type.Optional(TownCode),
  station: Type.Optional(StationId),
}
export const Range = Type.Object({ from: LocalDate, to: LocalDate, level: Level, ...ScopeQuery })
export const AsOf = Type.Object({ today: LocalDate, level: Level, ...ScopeQuery })

/**
 * A `date-time` value of a request as milliseconds; `where` names it (querystring/since).
 * JSON Schema's date-time (RFC 3339) allows a leap second, 23:59:60, which Date cannot read:
 * that was a 500 on /api/events and /api/duty/corrections and an empty list on /api/alarms
 * (found by test/fuzz/hubApi.test.ts). Now a 400 naming it.
 */
export function timeParam(where: string, value: string): number {
  const ms = Date.parse(value)
  if (Number.isNaN(ms))
    throw Object.assign(new Error(`${where} ${value} is not a time this hub can read (a leap second?)`), {
      statusCode: 400,
    })
  return ms
}

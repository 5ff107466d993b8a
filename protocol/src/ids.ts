import Type, { type Static } from 'typebox'

/**
 * Station ids are the 12-digit statistical division code (统计用区划代码) of the place the
 * kiosk stands in: 6 digits of county, 3 of town, 3 of village. A town centre's own code
 * ends in 000, so the tier of a station can be read from its id.
 */
export const StationId = Type.String({
  pattern: '^[0-9]{12}$',
  title: 'Station id',
  description: '12-digit statistical division code of the village (or town) where the kiosk stands',
  examples: ['339901001001'],
})
export type StationId = Static<typeof StationId>

/** A town's 9-digit code: the first 9 digits of the codes of its villages. */
export const TownCode = Type.String({ pattern: '^[0-9]{9}$', title: 'Town code' })
export type TownCode = Static<typeof TownCode>

/** A district's (county's) 6-digit administrative code. */
export const DistrictCode = Type.String({ pattern: '^[0-9]{6}$', title: 'District code' })
export type DistrictCode = Static<typeof DistrictCode>

/** Events are named by a UUIDv7 made on the kiosk: unique everywhere, and sortable by time. */
export const EventId = Type.String({
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$',
  title: 'Event id',
  description: 'UUIDv7 (RFC 9562), lower case, made on the kiosk when the event is recorded',
})
export type EventId = Static<typeof EventId>

/** An RFC 3339 time, UTC with milliseconds, e.g. 2026-11-25T01:30:00.000Z. */
export function timestamp(description = 'RFC 3339 time, UTC with milliseconds') {
  return Type.String({ format: 'date-time', description })
}
export const Timestamp = timestamp()

export const PersonId = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_.:-]+$',
  title: 'Person id',
  description: 'Roster id of a member, cadre or villager (never a name or an ID-card number)',
})

export const Tier = Type.Enum(['district', 'town', 'village'], {
  title: 'Tier',
})
export type Tier = Static<typeof Tier>

export function tierOfStation(stationId: string): Tier {
  if (stationId.endsWith('000000')) return 'district'
  if (stationId.endsWith('000')) return 'town'
  return 'village'
}

export function townOfStation(stationId: string): string {
  return stationId.slice(0, 9)
}

/** A photo is named by the SHA-256 of its stored JPEG: the same photo has one name everywhere. */
export const PhotoId = Type.String({
  pattern: '^[0-9a-f]{64}$',
  title: 'Photo id',
  description: 'SHA-256 of the stored JPEG, lower-case hex',
})
export type PhotoId = Static<typeof PhotoId>

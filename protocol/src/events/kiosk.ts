import Type, { type Static } from 'typebox'

/**
 * A technician scanned the enrolment sheet's QR code at the kiosk and it matched the
 * kiosk's installed config: station, hub and CA (docs/OPERATIONS.md, "The enrolment sheet").
 * The ledger shows when each kiosk was checked in place; a mismatch is a fault, not an event.
 */
export const KioskEnrolledBody = Type.Object(
  {
    hub: Type.String({
      minLength: 1,
      maxLength: 256,
      description: "The hub's broker URL the sheet and kiosk name",
    }),
    caSha256: Type.Optional(
      Type.String({
        pattern: '^[0-9a-f]{64}$',
        description: 'SHA-256 of the CA certificate both name; absent when the kiosk has no TLS',
      }),
    ),
    device: Type.String({
      minLength: 1,
      maxLength: 32,
      description:
        'The QR reader that scanned the sheet, by its configured name; `localApi` for the admin screen',
    }),
  },
  { additionalProperties: false, title: 'kiosk.enrolled' },
)
export type KioskEnrolledBody = Static<typeof KioskEnrolledBody>

import Type, { type Static } from 'typebox'

/**
 * A card, QR code or fingerprint the kiosk read but could not match to anyone on its
 * roster, or a wrong PIN. It signs nobody in; the hub lists them so a cadre can register
 * the card (or see someone guessing PINs).
 */
export const UnknownCredentialBody = Type.Object(
  {
    method: Type.Enum(['card', 'qr', 'fingerprint', 'pin']),
    credential: Type.String({
      minLength: 1,
      maxLength: 256,
      description:
        'Card number, QR payload or fingerprint page id; for a PIN, the person id tried (never the PIN)',
    }),
    device: Type.String({ minLength: 1, maxLength: 32, description: 'Which reader, by its configured name' }),
    reason: Type.Enum(['notOnRoster', 'badToken', 'badPin', 'pinLocked'], {
      description:
        'badToken: a QR payload whose check digits fail; badPin: wrong PIN or none set; pinLocked: too many wrong PINs',
    }),
  },
  { additionalProperties: false, title: 'credential.unknown' },
)
export type UnknownCredentialBody = Static<typeof UnknownCredentialBody>

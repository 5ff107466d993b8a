import Type, { type Static } from 'typebox'

/**
 * How a person proved who they are at the kiosk. `vouch` means a cadre vouched for a
 * person who could not sign in any other way; it is counted separately from the rest.
 */
export const SignInMethod = Type.Enum(['face', 'card', 'fingerprint', 'qr', 'pin', 'vouch'], {
  title: 'Sign-in method',
})
export type SignInMethod = Static<typeof SignInMethod>

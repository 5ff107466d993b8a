import { hashSecret, verifySecret } from './secret.js'

/** 4 to 8 digits: what an elderly villager can remember and a kiosk keypad can take. */
export function isValidPin(pin: string): boolean {
  return /^[0-9]{4,8}$/.test(pin)
}

/**
 * The PIN as the hub stores it and the kiosk checks it offline, never the PIN itself
 * (the protocol's PinHash format, see `hashSecret`).
 */
export async function hashPin(pin: string): Promise<string> {
  if (!isValidPin(pin)) throw new RangeError('a PIN is 4 to 8 digits')
  return hashSecret(pin)
}

/** True when `pin` matches `hash`; false for a wrong PIN or a hash this code cannot read. */
export const verifyPin = (pin: string, hash: string): Promise<boolean> => verifySecret(pin, hash)

import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

const N = 16384
const R = 8
const P = 1
const KEY_BYTES = 32

function derive(pin: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pin, salt, KEY_BYTES, { N: n, r, p, maxmem: 256 * n * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

/** 4 to 8 digits: what an elderly villager can remember and a kiosk keypad can take. */
export function isValidPin(pin: string): boolean {
  return /^[0-9]{4,8}$/.test(pin)
}

/**
 * The PIN as the hub stores it and the kiosk checks it offline, never the PIN itself:
 * `scrypt$N$r$p$salt$key` (the protocol's PinHash format).
 */
export async function hashPin(pin: string): Promise<string> {
  if (!isValidPin(pin)) throw new RangeError('a PIN is 4 to 8 digits')
  const salt = randomBytes(16)
  const key = await derive(pin, salt, N, R, P)
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/** True when `pin` matches `hash`; false for a wrong PIN or a hash this code cannot read. */
export async function verifyPin(pin: string, hash: string): Promise<boolean> {
  const parts = hash.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  // refuse costs that would stall the kiosk, whoever wrote the hash
  if (!(n >= 1024 && n <= 1 << 17 && (n & (n - 1)) === 0 && r >= 1 && r <= 16 && p >= 1 && p <= 4))
    return false
  const salt = Buffer.from(parts[4] ?? '', 'base64url')
  const expected = Buffer.from(parts[5] ?? '', 'base64url')
  if (salt.length < 8 || expected.length < 16) return false
  const key = await derive(pin, salt, n, r, p).catch(() => undefined)
  return key !== undefined && key.length === expected.length && timingSafeEqual(key, expected)
}

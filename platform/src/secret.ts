import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

const N = 16384
const R = 8
const P = 1
const KEY_BYTES = 32

function derive(secret: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_BYTES, { N: n, r, p, maxmem: 256 * n * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

/**
 * A secret as it is stored, never the secret itself: `scrypt$N$r$p$salt$key`, with a fresh
 * salt each time. PINs (the protocol's PinHash format) and operators' passwords use it.
 */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(secret, salt, N, R, P)
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/** True when `secret` matches `hash`; false for a wrong secret or a hash this code cannot read. */
export async function verifySecret(secret: string, hash: string): Promise<boolean> {
  const parts = hash.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  // refuse costs that would stall a kiosk or the hub, whoever wrote the hash
  if (!(n >= 1024 && n <= 1 << 17 && (n & (n - 1)) === 0 && r >= 1 && r <= 16 && p >= 1 && p <= 4))
    return false
  const salt = Buffer.from(parts[4] ?? '', 'base64url')
  const expected = Buffer.from(parts[5] ?? '', 'base64url')
  if (salt.length < 8 || expected.length < 16) return false
  const key = await derive(secret, salt, n, r, p).catch(() => undefined)
  return key !== undefined && key.length === expected.length && timingSafeEqual(key, expected)
}

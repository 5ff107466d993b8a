/**
 * QR tokens for sign-in: `EJ1-` + 16 Crockford base32 characters + `-` + 4 hex digits of
 * CRC-16/CCITT-FALSE over the 16 characters. A scanner line has no checksum of its own, so
 * the token carries one: a misread or a typed-in code fails the check and signs nobody in.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const TOKEN = /^EJ1-([0-9A-HJKMNP-TV-Z]{16})-([0-9A-F]{4})$/

export function crc16(text: string): number {
  let crc = 0xffff
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  }
  return crc
}

/** A token from 10 random bytes (80 bits: unguessable at a village kiosk). */
export function makeQrToken(random: Uint8Array): string {
  if (random.length < 10) throw new RangeError('a QR token needs 10 random bytes')
  let bits = 0n
  for (const b of random.subarray(0, 10)) bits = (bits << 8n) | BigInt(b)
  let body = ''
  for (let i = 0; i < 16; i++) {
    body = (ALPHABET[Number(bits & 31n)] as string) + body
    bits >>= 5n
  }
  return `EJ1-${body}-${crc16(body).toString(16).toUpperCase().padStart(4, '0')}`
}

export function isValidQrToken(text: string): boolean {
  const m = TOKEN.exec(text)
  return m !== null && crc16(m[1] as string) === Number.parseInt(m[2] as string, 16)
}

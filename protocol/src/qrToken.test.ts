import { describe, expect, it } from 'vitest'
import { crc16, isValidQrToken, makeQrToken } from './qrToken.js'

describe('QR tokens', () => {
  it('uses CRC-16/CCITT-FALSE (check value of "123456789" is 0x29B1)', () => {
    expect(crc16('123456789')).toBe(0x29b1)
  })

  it('accepts a token it made and refuses any single changed character', () => {
    const token = makeQrToken(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))
    expect(token).toMatch(/^EJ1-[0-9A-Z]{16}-[0-9A-F]{4}$/)
    expect(isValidQrToken(token)).toBe(true)
    for (let i = 4; i < token.length; i++) {
      if (token[i] === '-') continue
      const changed = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1)
      expect(isValidQrToken(changed), changed).toBe(false)
    }
    expect(isValidQrToken('签到:act-25')).toBe(false)
  })
})

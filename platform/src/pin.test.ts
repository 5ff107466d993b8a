import { describe, expect, it } from 'vitest'
import { hashPin, isValidPin, verifyPin } from './pin.js'

describe('PIN hashes', () => {
  it('verifies the right PIN and refuses a wrong one', async () => {
    const hash = await hashPin('2580')
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/)
    expect(await verifyPin('2580', hash)).toBe(true)
    expect(await verifyPin('2581', hash)).toBe(false)
  })

  it('salts every hash', async () => {
    expect(await hashPin('1234')).not.toBe(await hashPin('1234'))
  })

  it('refuses malformed hashes and absurd costs instead of throwing or stalling', async () => {
    const hash = await hashPin('1234')
    expect(await verifyPin('1234', 'plain-1234')).toBe(false)
    expect(await verifyPin('1234', hash.replace('$16384$', '$1048576$'))).toBe(false)
    expect(await verifyPin('1234', hash.replace('$16384$', '$1000$'))).toBe(false)
  })

  it('takes 4 to 8 digits only', async () => {
    expect(isValidPin('123')).toBe(false)
    expect(isValidPin('12345678')).toBe(true)
    expect(isValidPin('12a4')).toBe(false)
    await expect(hashPin('12')).rejects.toThrow(/4 to 8 digits/)
  })
})

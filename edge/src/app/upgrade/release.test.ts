import { mkdirSync, mkdtempSync, readlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { InstallLayout } from './layout.js'
import {
  generateReleaseKey,
  MANIFEST_FORMAT,
  RELEASE_PRODUCT,
  signManifest,
  verifyManifest,
} from './release.js'

const fields = {
  format: MANIFEST_FORMAT,
  product: RELEASE_PRODUCT,
  version: '1.2.3',
  sha256: 'a'.repeat(64),
  size: 1234,
  createdAt: '2026-01-01T00:00:00.000Z',
} as const

describe('release manifest', () => {
  const key = generateReleaseKey()
  const signed = signManifest(fields, key.privatePem)

  it('verifies with the district key, whatever the JSON layout', () => {
    expect(key.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(verifyManifest(JSON.stringify(signed, null, 2), key.publicKey)).toMatchObject({ version: '1.2.3' })
  })

  it('refuses a changed field, another key, or no key', () => {
    const changed = JSON.stringify({ ...signed, sha256: 'b'.repeat(64) })
    expect(() => verifyManifest(changed, key.publicKey)).toThrow(/signature does not verify/)
    expect(() => verifyManifest(JSON.stringify(signed), generateReleaseKey().publicKey)).toThrow(
      expect.objectContaining({ code: 'badSignature' }),
    )
    expect(() => verifyManifest(JSON.stringify(signed), '')).toThrow(
      expect.objectContaining({ code: 'noKey' }),
    )
    expect(() => verifyManifest(JSON.stringify({ ...signed, version: '../x' }), key.publicKey)).toThrow(
      expect.objectContaining({ code: 'badManifest' }),
    )
  })
})

describe('install layout', () => {
  it('switches current atomically and prunes all but the releases kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ejia-layout-'))
    for (const v of ['1', '2', '3']) {
      mkdirSync(join(dir, 'releases', v), { recursive: true })
      writeFileSync(join(dir, 'releases', v, 'package.json'), '{}')
    }
    const layout = new InstallLayout(dir)
    await layout.switchTo('2')
    await layout.switchTo('3')
    expect(readlinkSync(join(dir, 'current'))).toBe(join('releases', '3'))
    expect(await layout.current()).toBe('3')
    expect(await layout.prune(['3', '2'])).toEqual(['1'])
    await expect(layout.switchTo('1')).rejects.toThrow(/no release 1/)
    expect(InstallLayout.ofPackage(join(dir, 'releases', '3'))?.installDir).toBe(dir)
    expect(InstallLayout.ofPackage(dir)).toBeUndefined()
  })
})

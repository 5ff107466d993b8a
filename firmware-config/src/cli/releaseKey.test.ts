import { execFile } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const CLI = new URL('../../bin/ejia-config.js', import.meta.url).pathname
const CSV = new URL('../../samples/qingshan-district.csv', import.meta.url).pathname

/** An Ed25519 public key as `ejia-release keygen` writes it: raw, base64url. */
const publicKey = () => generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x as string

/** `ejia-config provision --release-key` (the built CLI, as an IT office runs it). */
describe('provisioning with the district release key', () => {
  const provision = (out: string, key: string) =>
    run(process.execPath, [CLI, 'provision', '--stations', CSV, '--out', out, '--release-key', key])
  const keyOf = (out: string, station: string) =>
    (
      JSON.parse(readFileSync(join(out, 'stations', `${station}.json`), 'utf8')) as {
        upgrade: { releaseKey: string }
      }
    ).upgrade.releaseKey

  it('writes the key, given as such or as the file keygen wrote, into every station config', async () => {
    const key = publicKey()
    const out = mkdtempSync(join(tmpdir(), 'ejia-release-key-'))
    await provision(out, key)
    expect(keyOf(out, '339901001001')).toBe(key)
    const file = join(out, 'release-key.pub')
    const other = publicKey()
    writeFileSync(file, `${other}\n`)
    await provision(out, file)
    expect(keyOf(out, '339901015039')).toBe(other)
  })

  it('refuses something that is not a key, saying so', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ejia-release-key-'))
    await expect(provision(out, 'not-a-key')).rejects.toMatchObject({
      stderr: expect.stringContaining('neither a key nor a readable file'),
    })
  })
})

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto'
import { createReadStream } from 'node:fs'

/**
 * A kiosk agent release (docs/OPERATIONS.md, "Agent upgrades"): `ejia-edge-<version>.tar.gz`,
 * the built agent tree (package.json, bin/, dist/, node_modules/), and next to it
 * `ejia-edge-<version>.tar.gz.manifest.json`, which names the version and the tarball's
 * SHA-256 and carries an Ed25519 signature (RFC 8032) by the district's release key over
 * the manifest's other fields. A kiosk checks both the checksum and the signature against
 * the public key in its station config before it unpacks anything.
 */
export const RELEASE_PRODUCT = 'ejia-edge'
export const MANIFEST_FORMAT = 1

export interface ReleaseManifest {
  format: typeof MANIFEST_FORMAT
  product: typeof RELEASE_PRODUCT
  version: string
  /** SHA-256 of the tarball, lower-case hex. */
  sha256: string
  size: number
  createdAt: string
  /** Ed25519 over `signedBytes(manifest)`, base64. */
  signature: string
}

export class ReleaseError extends Error {
  constructor(
    readonly code:
      | 'badManifest'
      | 'badSignature'
      | 'badChecksum'
      | 'wrongVersion'
      | 'noKey'
      | 'download'
      | 'badRelease',
    message: string,
  ) {
    super(message)
    this.name = 'ReleaseError'
  }
}

/** Versions are path components under releases/: keep them to semver-like characters. */
export const VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/

export const tarballName = (version: string) => `${RELEASE_PRODUCT}-${version}.tar.gz`
export const manifestNameOf = (tarball: string) => `${tarball}.manifest.json`

/** The bytes signed: the fields in a fixed order, so the signature does not depend on JSON layout. */
export function signedBytes(m: Omit<ReleaseManifest, 'signature'>): Buffer {
  return Buffer.from(JSON.stringify([m.format, m.product, m.version, m.sha256, m.size, m.createdAt]), 'utf8')
}

/** A new release key pair: the private key as PKCS#8 PEM, the public one as the config holds it. */
export function generateReleaseKey(): { privatePem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKey: publicKeyText(publicKey),
  }
}

/** The raw 32-byte Ed25519 public key, base64url (a JWK's `x`): `upgrade.releaseKey` in the station config. */
export function publicKeyText(key: ReturnType<typeof createPublicKey>): string {
  return (key.export({ format: 'jwk' }) as { x: string }).x
}

export function publicKeyOfPrivate(privatePem: string): string {
  return publicKeyText(createPublicKey(createPrivateKey(privatePem)))
}

export function signManifest(m: Omit<ReleaseManifest, 'signature'>, privatePem: string): ReleaseManifest {
  const signature = sign(null, signedBytes(m), createPrivateKey(privatePem)).toString('base64')
  return { ...m, signature }
}

/** Parses a manifest and checks its signature; throws ReleaseError on anything wrong. */
export function verifyManifest(text: string, releaseKey: string): ReleaseManifest {
  if (!releaseKey) {
    throw new ReleaseError(
      'noKey',
      'this kiosk has no release key (upgrade.releaseKey in its station config)',
    )
  }
  let m: ReleaseManifest
  try {
    m = JSON.parse(text) as ReleaseManifest
  } catch {
    throw new ReleaseError('badManifest', 'the manifest is not JSON')
  }
  if (
    m === null ||
    typeof m !== 'object' ||
    m.format !== MANIFEST_FORMAT ||
    m.product !== RELEASE_PRODUCT ||
    typeof m.version !== 'string' ||
    !VERSION_PATTERN.test(m.version) ||
    typeof m.sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(m.sha256) ||
    !Number.isSafeInteger(m.size) ||
    typeof m.createdAt !== 'string' ||
    typeof m.signature !== 'string'
  ) {
    throw new ReleaseError('badManifest', `not an ${RELEASE_PRODUCT} manifest of format ${MANIFEST_FORMAT}`)
  }
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: releaseKey }, format: 'jwk' })
  if (!verify(null, signedBytes(m), key, Buffer.from(m.signature, 'base64'))) {
    throw new ReleaseError(
      'badSignature',
      'the manifest signature does not verify with the district release key',
    )
  }
  return m
}

export async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer)
    size += (chunk as Buffer).length
  }
  return { sha256: hash.digest('hex'), size }
}

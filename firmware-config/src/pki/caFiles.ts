import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type CertAndKey, checkCa, createCa, PkiError } from './certs.js'

export const CA_CERT_FILE = 'ca.crt'
export const CA_KEY_FILE = 'ca.key'

/** Write to a temporary name and rename, so a crash never leaves half a key behind. */
export function writeFileAtomic(file: string, data: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`
  writeFileSync(tmp, data, { mode })
  chmodSync(tmp, mode) // the umask may have taken bits off
  renameSync(tmp, file)
}

function writeCa(dir: string, ca: CertAndKey): void {
  if (existsSync(join(dir, CA_KEY_FILE)) || existsSync(join(dir, CA_CERT_FILE))) {
    throw new PkiError('exists', `${dir} already holds a CA; refusing to overwrite it`)
  }
  // the CA key signs every kiosk's identity: only its owner may read the folder or the key
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  writeFileAtomic(join(dir, CA_KEY_FILE), ca.keyPem, 0o600)
  writeFileAtomic(join(dir, CA_CERT_FILE), ca.certPem, 0o644)
}

/** `ejia-config ca init`: a new district CA in `dir` (ca.crt, and ca.key mode 0600). */
export async function initCa(dir: string, name: string, now?: Date): Promise<CertAndKey> {
  const ca = await createCa({ name, ...(now ? { now } : {}) })
  writeCa(dir, ca)
  return ca
}

/** `ejia-config ca import`: an existing CA (e.g. the county's), checked, copied into `dir`. */
export function importCa(dir: string, certFile: string, keyFile: string): CertAndKey {
  const ca = { certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8') }
  checkCa(ca)
  writeCa(dir, ca)
  return ca
}

export function loadCa(dir: string): CertAndKey {
  let ca: CertAndKey
  try {
    ca = {
      certPem: readFileSync(join(dir, CA_CERT_FILE), 'utf8'),
      keyPem: readFileSync(join(dir, CA_KEY_FILE), 'utf8'),
    }
  } catch (err) {
    throw new PkiError(
      'missing',
      `no CA in ${dir} (make one with \`ejia-config ca init\`): ${(err as Error).message}`,
    )
  }
  checkCa(ca)
  return ca
}

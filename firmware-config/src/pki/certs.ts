// tsyringe, under @peculiar/x509, needs the Reflect metadata API before it loads
import 'reflect-metadata'
import { createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto'
import { isIP } from 'node:net'
import * as x509 from '@peculiar/x509'

// Node's webcrypto is the Crypto @peculiar/x509 expects; its types differ only by the DOM lib
x509.cryptoProvider.set(webcrypto as never)

type CryptoKey = webcrypto.CryptoKey
type CryptoKeyPair = webcrypto.CryptoKeyPair

/** A certificate and its private key, both PEM (the key PKCS#8). */
export interface CertAndKey {
  certPem: string
  keyPem: string
}

export class PkiError extends Error {
  constructor(
    readonly code: 'notCa' | 'keyMismatch' | 'unsupportedKey' | 'exists' | 'missing',
    message: string,
  ) {
    super(message)
    this.name = 'PkiError'
  }
}

/** Leaf keys: EC P-256, small and fast on a kiosk's CPU. */
const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const
const DAY_MS = 86_400_000
export const CA_YEARS = 10
/** Long enough to outlive a kiosk's visits, short enough that a lost one ages out. */
export const STATION_CERT_YEARS = 3
export const SERVER_CERT_YEARS = 3

type SigningAlgorithm = { name: string; hash: string; namedCurve?: string }

/** 128 random bits, positive [RFC 5280 4.1.2.2], hex. */
function newSerial(): string {
  const b = randomBytes(16)
  b[0] = ((b[0] as number) & 0x7f) | 0x01
  return b.toString('hex')
}

/** Serial numbers as hex compare equal however they are written (case, leading zeros). */
export function normalizeSerial(hex: string): string {
  return hex.toLowerCase().replace(/^0+/, '')
}

const years = (from: Date, n: number) => new Date(from.getTime() + Math.round(n * 365.25 * DAY_MS))
// a little slack for kiosks whose clocks run behind
const backdated = (now: Date) => new Date(now.getTime() - DAY_MS)

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString('base64')
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)?.join('\n')}\n-----END ${label}-----\n`
}

async function newLeafKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair
}

async function keyPem(key: CryptoKey): Promise<string> {
  return toPem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY')
}

/** A CA's signing key from PEM (EC P-256/P-384 or RSA 2048+), with the algorithm to sign with. */
async function importSigningKey(pem: string): Promise<{ key: CryptoKey; alg: SigningAlgorithm }> {
  const k = createPrivateKey(pem)
  const der = k.export({ type: 'pkcs8', format: 'der' })
  let alg: SigningAlgorithm
  if (k.asymmetricKeyType === 'ec') {
    const curve = k.asymmetricKeyDetails?.namedCurve
    const namedCurve = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : undefined
    if (!namedCurve) throw new PkiError('unsupportedKey', `EC curve ${curve} is not supported (P-256, P-384)`)
    alg = { name: 'ECDSA', namedCurve, hash: namedCurve === 'P-384' ? 'SHA-384' : 'SHA-256' }
  } else if (k.asymmetricKeyType === 'rsa') {
    if ((k.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
      throw new PkiError('unsupportedKey', 'an RSA CA key must be 2048 bits or more')
    }
    alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
  } else {
    throw new PkiError('unsupportedKey', `a ${k.asymmetricKeyType} key cannot sign here (EC or RSA)`)
  }
  const key = await webcrypto.subtle.importKey('pkcs8', der, alg, false, ['sign'])
  return { key, alg }
}

/** A district CA: EC P-256, self-signed, valid ten years, able to sign only end certificates. */
export async function createCa(opts: { name: string; now?: Date; years?: number }): Promise<CertAndKey> {
  const now = opts.now ?? new Date()
  const keys = await newLeafKeys()
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: [{ CN: [opts.name] }],
    notBefore: backdated(now),
    notAfter: years(now, opts.years ?? CA_YEARS),
    keys,
    signingAlgorithm: EC_P256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) }
}

/** Checks that a certificate is a CA and that the key is its own; throws PkiError if not. */
export function checkCa(ca: CertAndKey): X509Certificate {
  const cert = new X509Certificate(ca.certPem)
  if (!cert.ca)
    throw new PkiError('notCa', `${cert.subject} is not a CA certificate (basicConstraints CA:FALSE)`)
  if (!cert.checkPrivateKey(createPrivateKey(ca.keyPem))) {
    throw new PkiError('keyMismatch', 'the key does not belong to the CA certificate')
  }
  return cert
}

async function issue(
  ca: CertAndKey,
  subject: x509.JsonName,
  san: x509.JsonGeneralNames,
  usage: string,
  opts: { now?: Date; years: number },
): Promise<CertAndKey> {
  const now = opts.now ?? new Date()
  const caCert = new x509.X509Certificate(ca.certPem)
  const signer = await importSigningKey(ca.keyPem)
  const keys = await newLeafKeys()
  const notAfter = years(now, opts.years)
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: newSerial(),
    subject,
    issuer: caCert.subjectName,
    notBefore: backdated(now),
    // a leaf never outlives its CA
    notAfter: new Date(Math.min(notAfter.getTime(), caCert.notAfter.getTime())),
    publicKey: keys.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([usage]),
      new x509.SubjectAlternativeNameExtension(san),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  })
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) }
}

/** The URI a station's certificate names it by, beside its CN. */
export const stationUri = (stationId: string) => `urn:ejia:station:${stationId}`

/** A kiosk's client certificate: CN = the station id, for TLS client authentication. */
export function issueStationCert(
  ca: CertAndKey,
  stationId: string,
  opts: { districtName?: string; now?: Date; years?: number } = {},
): Promise<CertAndKey> {
  const subject: x509.JsonName = [
    { CN: [stationId] },
    ...(opts.districtName ? [{ O: [opts.districtName] }] : []),
  ]
  return issue(
    ca,
    subject,
    [{ type: 'url', value: stationUri(stationId) }],
    x509.ExtendedKeyUsage.clientAuth,
    {
      ...(opts.now ? { now: opts.now } : {}),
      years: opts.years ?? STATION_CERT_YEARS,
    },
  )
}

/** The hub's server certificate: every name or address kiosks reach it by, as SANs. */
export function issueServerCert(
  ca: CertAndKey,
  hosts: readonly string[],
  opts: { now?: Date; years?: number } = {},
): Promise<CertAndKey> {
  if (hosts.length === 0) throw new PkiError('missing', 'the hub certificate needs at least one host')
  const san: x509.JsonGeneralNames = hosts.map((h) => ({ type: isIP(h) ? 'ip' : 'dns', value: h }))
  return issue(ca, [{ CN: [hosts[0] as string] }], san, x509.ExtendedKeyUsage.serverAuth, {
    ...(opts.now ? { now: opts.now } : {}),
    years: opts.years ?? SERVER_CERT_YEARS,
  })
}

/** What a kept certificate must still be to be reused on a re-run of provisioning. */
export function stillGood(
  certPem: string,
  keyPem: string,
  ca: X509Certificate,
  want: { cn?: string; hosts?: readonly string[]; now?: Date },
): boolean {
  try {
    const cert = new X509Certificate(certPem)
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return false
    // renewed when less than 30 days are left
    const now = want.now ?? new Date()
    if (new Date(cert.validTo).getTime() - now.getTime() < 30 * DAY_MS) return false
    if (want.cn !== undefined && subjectCn(cert) !== want.cn) return false
    if (want.hosts?.some((h) => (isIP(h) ? !cert.checkIP(h) : !cert.checkHost(h)))) return false
    return true
  } catch {
    return false
  }
}

export function subjectCn(cert: X509Certificate): string | undefined {
  return /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1]
}

import { generateKeyPairSync, X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importCa, initCa, loadCa } from './caFiles.js'
import { checkCa, createCa, issueServerCert, issueStationCert, stillGood, subjectCn } from './certs.js'

const NOW = new Date('2026-03-01T00:00:00Z')
const YEAR_MS = 365.25 * 86_400_000

describe('district CA and certificates', async () => {
  const ca = await createCa({ name: 'Test CA', now: NOW })
  const caCert = new X509Certificate(ca.certPem)

  it('makes a CA valid ten years that can sign only end certificates', () => {
    expect(caCert.ca).toBe(true)
    expect(caCert.subject).toBe('CN=Test CA')
    const years = (new Date(caCert.validTo).getTime() - NOW.getTime()) / YEAR_MS
    expect(Math.round(years)).toBe(10)
    expect(caCert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
    expect(() => checkCa(ca)).not.toThrow()
  })

  it('issues a station client certificate: CN = station id, signed by the CA, three years', async () => {
    const leaf = await issueStationCert(ca, '339901001001', { districtName: '青山区', now: NOW })
    const cert = new X509Certificate(leaf.certPem)
    expect(subjectCn(cert)).toBe('339901001001')
    expect(cert.ca).toBe(false)
    expect(cert.checkIssued(caCert)).toBe(true)
    expect(cert.verify(caCert.publicKey)).toBe(true)
    expect(cert.subjectAltName).toBe('URI:urn:ejia:station:339901001001')
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']) // clientAuth only
    expect(Math.round((new Date(cert.validTo).getTime() - NOW.getTime()) / YEAR_MS)).toBe(3)
    expect(stillGood(leaf.certPem, leaf.keyPem, caCert, { cn: '339901001001', now: NOW })).toBe(true)
    expect(stillGood(leaf.certPem, leaf.keyPem, caCert, { cn: '339901001002', now: NOW })).toBe(false)
  })

  it('issues a server certificate naming every hub host, by DNS name or IP address', async () => {
    const srv = await issueServerCert(ca, ['hub.qingshan.example', '10.0.0.5'], { now: NOW })
    const cert = new X509Certificate(srv.certPem)
    expect(cert.checkHost('hub.qingshan.example')).toBe('hub.qingshan.example')
    expect(cert.checkIP('10.0.0.5')).toBe('10.0.0.5')
    expect(cert.checkHost('other.example')).toBeUndefined()
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']) // serverAuth only
    expect(stillGood(srv.certPem, srv.keyPem, caCert, { hosts: ['10.0.0.5'], now: NOW })).toBe(true)
    expect(stillGood(srv.certPem, srv.keyPem, caCert, { hosts: ['10.0.0.6'], now: NOW })).toBe(false)
  })

  it('does not keep a certificate from another CA, with another key, or about to expire', async () => {
    const other = await createCa({ name: 'Other CA', now: NOW })
    const leaf = await issueStationCert(other, '339901001001', { now: NOW })
    expect(stillGood(leaf.certPem, leaf.keyPem, caCert, { cn: '339901001001', now: NOW })).toBe(false)
    const mine = await issueStationCert(ca, '339901001001', { now: NOW })
    expect(stillGood(mine.certPem, leaf.keyPem, caCert, { cn: '339901001001', now: NOW })).toBe(false)
    const late = new Date(NOW.getTime() + 3 * YEAR_MS - 10 * 86_400_000)
    expect(stillGood(mine.certPem, mine.keyPem, caCert, { cn: '339901001001', now: late })).toBe(false)
  })

  it('imports only a CA certificate together with its own key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ejia-ca-test-'))
    // an RSA CA made by someone else: self-signed with the same library, then imported
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    const leafAsCa = await issueStationCert(ca, '339901001001', { now: NOW })
    writeFileSync(join(dir, 'leaf.crt'), leafAsCa.certPem)
    writeFileSync(join(dir, 'leaf.key'), leafAsCa.keyPem)
    expect(() => importCa(join(dir, 'imported'), join(dir, 'leaf.crt'), join(dir, 'leaf.key'))).toThrow(
      /not a CA/,
    )
    writeFileSync(join(dir, 'ca.crt'), ca.certPem)
    writeFileSync(join(dir, 'rsa.key'), keyPem)
    expect(() => importCa(join(dir, 'mismatch'), join(dir, 'ca.crt'), join(dir, 'rsa.key'))).toThrow(
      /does not belong/,
    )
  })

  it('writes the CA key 0600 and never overwrites an existing CA', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ejia-ca-test-')), 'ca')
    const made = await initCa(dir, 'Test CA', NOW)
    expect(statSync(join(dir, 'ca.key')).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(loadCa(dir)).toEqual(made)
    await expect(initCa(dir, 'Test CA')).rejects.toThrow(/already holds a CA/)
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(made.certPem)
  })
})

import { X509Certificate } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Registry } from '../schema/registry.js'
import type { StationConfig } from '../schema/stationConfig.js'
import { CA_CERT_FILE, writeFileAtomic } from './caFiles.js'
import { type CertAndKey, issueServerCert, issueStationCert, normalizeSerial, stillGood } from './certs.js'

/** The hub's TLS files in a bundle: `<out>/hub/server.crt`, `server.key` (0600) and `ca.crt`. */
export const HUB_TLS_DIR = 'hub'
export const SERVER_CERT_FILE = 'server.crt'
export const SERVER_KEY_FILE = 'server.key'

/** A station's certificate and key, beside its config in `<out>/stations/`. */
export const stationCertFile = (stationId: string) => `${stationId}.crt`
export const stationKeyFile = (stationId: string) => `${stationId}.key`

function readPair(certFile: string, keyFile: string): CertAndKey | undefined {
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined
  return { certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8') }
}

export interface TlsIssued {
  /** Certificates made in this run; the rest were kept from the last one. */
  issued: number
  kept: number
}

/**
 * Gives every station of a provisioning run a client certificate from the district CA,
 * and the hub a server certificate for `hubHosts`. Certificates and keys already in `outDir`
 * are kept when the same CA issued them, they name the same station or hosts and have more
 * than 30 days left; so re-running provisioning changes no kiosk's identity. Each config
 * gets `hub.tls` (paths relative to it) and each registry entry the serial it must present.
 */
export async function issueBundleTls(
  outDir: string,
  ca: CertAndKey,
  registry: Registry,
  configs: readonly StationConfig[],
  hubHosts: readonly string[],
  now?: Date,
): Promise<TlsIssued> {
  const caCert = new X509Certificate(ca.certPem)
  const stationsDir = join(outDir, 'stations')
  const hubDir = join(outDir, HUB_TLS_DIR)
  mkdirSync(stationsDir, { recursive: true })
  mkdirSync(hubDir, { recursive: true, mode: 0o700 })
  const result: TlsIssued = { issued: 0, kept: 0 }
  const keepOrIssue = async (
    certFile: string,
    keyFile: string,
    want: Parameters<typeof stillGood>[3],
    make: () => Promise<CertAndKey>,
  ): Promise<CertAndKey> => {
    const old = readPair(certFile, keyFile)
    if (old && stillGood(old.certPem, old.keyPem, caCert, want)) {
      result.kept++
      return old
    }
    const fresh = await make()
    // the key first: a crash in between leaves a key whose certificate is reissued next run
    writeFileAtomic(keyFile, fresh.keyPem, 0o600)
    writeFileAtomic(certFile, fresh.certPem, 0o644)
    result.issued++
    return fresh
  }

  await keepOrIssue(
    join(hubDir, SERVER_CERT_FILE),
    join(hubDir, SERVER_KEY_FILE),
    { hosts: hubHosts, ...(now ? { now } : {}) },
    () => issueServerCert(ca, hubHosts, now ? { now } : {}),
  )
  writeFileAtomic(join(hubDir, CA_CERT_FILE), ca.certPem, 0o644)
  writeFileAtomic(join(stationsDir, CA_CERT_FILE), ca.certPem, 0o644)

  const entries = new Map(registry.stations.map((s) => [s.id, s]))
  for (const config of configs) {
    const id = config.station.id
    const pair = await keepOrIssue(
      join(stationsDir, stationCertFile(id)),
      join(stationsDir, stationKeyFile(id)),
      { cn: id, ...(now ? { now } : {}) },
      () => issueStationCert(ca, id, { districtName: config.station.districtName, ...(now ? { now } : {}) }),
    )
    config.hub.tls = { caFile: CA_CERT_FILE, certFile: stationCertFile(id), keyFile: stationKeyFile(id) }
    const entry = entries.get(id)
    if (entry) entry.auth.certSerial = normalizeSerial(new X509Certificate(pair.certPem).serialNumber)
  }
  return result
}

import { createHash, randomBytes } from 'node:crypto'
import { tierOfStation, townOfStation } from '@ejia/protocol'
import { Value } from 'typebox/value'
import { isPlainUrl } from '../hubTransport.js'
import { FaceConfig } from '../schema/faceConfig.js'
import { ActivityDefaults, DutyDefaults, UiOptions } from '../schema/operations.js'
import { REGISTRY_SCHEMA_VERSION, type Registry } from '../schema/registry.js'
import { STATION_CONFIG_SCHEMA_VERSION, type StationConfig } from '../schema/stationConfig.js'
import type { CsvProblem, StationRow } from './stationCsv.js'

export interface ProvisionOptions {
  districtName: string
  hubUrl: string
  /** The hub's HTTP API, where kiosks upload photos; without it photos stay on the kiosks. */
  hubHttpUrl?: string
  /**
   * A lab bundle: every station config says `hub.allowPlain: true`, so its kiosks take a
   * plain mqtt:// or http:// hub URL (a lab, a demo or a test; issue 10). Without it such a
   * URL is a problem.
   */
  allowPlain?: boolean
  /** Secrets already issued, by station id; kept so re-provisioning does not lock kiosks out. */
  existingSecrets?: ReadonlyMap<string, string>
  /** The district's release public key (`ejia-release keygen`); without it kiosks refuse agent upgrades. */
  releaseKey?: string
  now?: Date
}

export interface Provisioned {
  registry: Registry
  configs: StationConfig[]
  problems: CsvProblem[]
}

function faceDefaults(): FaceConfig {
  return Value.Default(FaceConfig, {}) as FaceConfig
}

export function newStationSecret(): string {
  return randomBytes(32).toString('base64url')
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

/**
 * Turns a checked station list into the hub registry and one config per station. Rows
 * must agree with each other: one district, and one 9-digit town code per town name.
 */
export function provision(rows: readonly StationRow[], opts: ProvisionOptions): Provisioned {
  const problems: CsvProblem[] = []
  const districtCodes = new Set(rows.map((r) => r.stationId.slice(0, 6)))
  if (districtCodes.size > 1) {
    problems.push({
      line: 0,
      message: `stations belong to several districts: ${[...districtCodes].join(', ')}`,
    })
  }
  const towns = new Map<string, { code: string; name: string; line: number }>()
  const townByName = new Map<string, string>()
  for (const r of rows) {
    const code = townOfStation(r.stationId)
    const known = towns.get(code)
    if (known && known.name !== r.townName) {
      problems.push({
        line: r.line,
        message: `town code ${code} is "${known.name}" on line ${known.line}, not "${r.townName}"`,
      })
    } else if (!known) {
      towns.set(code, { code, name: r.townName, line: r.line })
    }
    const other = townByName.get(r.townName)
    if (other && other !== code) {
      problems.push({ line: r.line, message: `town "${r.townName}" has codes ${other} and ${code}` })
    }
    townByName.set(r.townName, code)
  }
  for (const [option, url] of [
    ['hub URL', opts.hubUrl],
    ['hub HTTP URL', opts.hubHttpUrl],
  ] as const) {
    if (url !== undefined && isPlainUrl(url) && opts.allowPlain !== true)
      problems.push({
        line: 0,
        message: `${option} ${url} has no TLS: only a lab bundle (allowPlain) may use it`,
      })
  }
  const now = (opts.now ?? new Date()).toISOString()
  const districtCode = [...districtCodes][0] ?? '000000'
  const configVersion = now.slice(0, 19).replace(/[-:]/g, '').replace('T', '.')
  const configs: StationConfig[] = []
  const registry: Registry = {
    schemaVersion: REGISTRY_SCHEMA_VERSION,
    generatedAt: now,
    district: { code: districtCode, name: opts.districtName },
    towns: [...towns.values()].map(({ code, name }) => ({ code, name })),
    stations: [],
  }
  for (const r of rows) {
    const secret = opts.existingSecrets?.get(r.stationId) ?? newStationSecret()
    const town = towns.get(townOfStation(r.stationId))
    const tier = tierOfStation(r.stationId)
    registry.stations.push({
      id: r.stationId,
      name: r.villageName,
      tier,
      townCode: townOfStation(r.stationId),
      ...(r.contactName || r.contactPhone ? { contact: { name: r.contactName, phone: r.contactPhone } } : {}),
      auth: { username: r.stationId, secretSha256: hashSecret(secret) },
    })
    configs.push({
      schemaVersion: STATION_CONFIG_SCHEMA_VERSION,
      configVersion,
      station: {
        id: r.stationId,
        name: r.villageName,
        tier,
        townCode: townOfStation(r.stationId),
        townName: town?.name ?? r.townName,
        districtCode,
        districtName: opts.districtName,
        timezone: 'Asia/Shanghai',
      },
      hub: {
        mqttUrl: opts.hubUrl,
        ...(opts.hubHttpUrl ? { httpUrl: opts.hubHttpUrl } : {}),
        username: r.stationId,
        password: secret,
        ...(opts.allowPlain ? { allowPlain: true } : {}),
      },
      dataDir: '/var/lib/ejia',
      uplink: {
        batchMaxEvents: 100,
        maxInFlightBatches: 4,
        ackTimeoutS: 15,
        heartbeatIntervalS: 30,
        reconnectPeriodS: 2,
      },
      journal: { retentionDays: 180, maxBytes: 512 * 1024 ** 2, diskWarnFreeBytes: 1024 ** 3 },
      photos: { retentionDays: 30 },
      devices: [],
      roster: { file: '' },
      // each kiosk gets its own key for face templates at rest
      face: { ...faceDefaults(), enabled: true, templateKey: randomBytes(32).toString('base64') },
      camera: { type: 'push', fps: 5 },
      localApi: { host: '127.0.0.1', port: 8731 },
      upgrade: { releaseKey: opts.releaseKey ?? '', healthTimeoutS: 90 },
      duty: Value.Default(DutyDefaults, {}) as DutyDefaults,
      activity: Value.Default(ActivityDefaults, {}) as ActivityDefaults,
      ui: Value.Default(UiOptions, {}) as UiOptions,
    })
  }
  return { registry, configs, problems }
}

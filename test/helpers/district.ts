import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  provision,
  REGISTRY_FILE,
  type Registry,
  type StationConfig,
  type StationRow,
  stationConfigPath,
  writeBundle,
} from '@ejia/firmware-config'

export interface TestDistrict {
  dir: string
  registryFile: string
  registry: Registry
  configs: StationConfig[]
  configFile(stationId: string): string
}

/**
 * A provisioned district of `n` village stations in two towns, in a fresh temp dir: a lab
 * bundle (`hub.allowPlain`), as test hubs run plain MQTT.
 */
export function makeDistrict(n: number, hubUrl = 'mqtt://127.0.0.1:1'): TestDistrict {
  const dir = mkdtempSync(join(tmpdir(), 'ejia-district-'))
  const rows: StationRow[] = Array.from({ length: n }, (_, i) => {
    const town = (i % 2) + 1
    return {
      line: i + 2,
      townName: town === 1 ? '城关镇' : '东坝镇',
      villageName: `测试${i + 1}村`,
      stationId: `33990100${town}${String(i + 1).padStart(3, '0')}`,
      contactName: '张三',
      contactPhone: '13900000000',
    }
  })
  const { registry, configs, problems } = provision(rows, {
    districtName: '青山区',
    hubUrl,
    allowPlain: true,
  })
  if (problems.length > 0) throw new Error(JSON.stringify(problems))
  writeBundle(dir, registry, configs)
  return {
    dir,
    registryFile: join(dir, REGISTRY_FILE),
    registry,
    configs,
    configFile: (id) => stationConfigPath(dir, id),
  }
}

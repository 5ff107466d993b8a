import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  provision,
  REGISTRY_FILE,
  type Registry,
  type StationConfig,
  type StationRow,
  writeBundle,
} from '@ejia/firmware-config'

export interface BenchDistrict {
  dir: string
  registryFile: string
  registry: Registry
  configs: StationConfig[]
}

/** A provisioned district of `n` villages in 15 towns, as `ejia-config provision` makes it. */
export function benchDistrict(n: number): BenchDistrict {
  const dir = mkdtempSync(join(tmpdir(), 'ejia-bench-district-'))
  const rows: StationRow[] = Array.from({ length: n }, (_, i) => {
    const town = (i % 15) + 1
    const village = Math.floor(i / 15) + 1
    return {
      line: i + 2,
      townName: `第${town}镇`,
      villageName: `第${town}镇${village}村`,
      stationId: `3399010${String(town).padStart(2, '0')}${String(village).padStart(3, '0')}`,
      contactName: '',
      contactPhone: '',
    }
  })
  const { registry, configs, problems } = provision(rows, {
    districtName: '基准区',
    hubUrl: 'mqtt://127.0.0.1:1',
    // a lab bundle: the bench hubs run plain MQTT
    allowPlain: true,
  })
  if (problems.length > 0) throw new Error(JSON.stringify(problems.slice(0, 3)))
  writeBundle(dir, registry, configs)
  return { dir, registryFile: join(dir, REGISTRY_FILE), registry, configs }
}

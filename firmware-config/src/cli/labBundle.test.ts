import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { StationConfig } from '../schema/stationConfig.js'

const run = promisify(execFile)
const CLI = new URL('../../bin/ejia-config.js', import.meta.url).pathname
const STATIONS = ['339901001001', '339901001002']

/** `ejia-config` (the built CLI, as an IT office runs it) in a fresh folder with a two-station list. */
function district() {
  const dir = mkdtempSync(join(tmpdir(), 'ejia-lab-bundle-'))
  const csv = join(dir, 'stations.csv')
  writeFileSync(csv, `镇/街道,村/社区,站点编码\n城关镇,甲村,${STATIONS[0]}\n城关镇,乙村,${STATIONS[1]}\n`)
  const ejiaConfig = (args: string[]) => run(process.execPath, [CLI, ...args], { cwd: dir })
  const provision = (args: string[]) =>
    ejiaConfig(['provision', '--stations', csv, '--out', join(dir, 'district'), ...args])
  const hubOf = (id: string) =>
    (JSON.parse(readFileSync(join(dir, 'district', 'stations', `${id}.json`), 'utf8')) as StationConfig).hub
  return { dir, ejiaConfig, provision, hubOf }
}

/** Issue 10: a bundle whose kiosks speak plain MQTT says it is for a lab, in every config. */
describe('ejia-config provision: lab bundles and CA bundles', () => {
  it('without --ca writes hub.allowPlain: true into every station config and says it is a lab bundle', async () => {
    const d = district()
    const { stdout, stderr } = await d.provision([])
    expect(JSON.parse(stdout)).toMatchObject({ stations: 2, lab: true })
    expect(stderr).toContain('lab bundle: hub.allowPlain is true in every station config')
    for (const id of STATIONS)
      expect(d.hubOf(id)).toMatchObject({ mqttUrl: 'mqtt://127.0.0.1:1883', allowPlain: true })
    // the kiosk's own check takes the file as it is
    const file = join(d.dir, 'district', 'stations', `${STATIONS[0]}.json`)
    expect((await d.ejiaConfig(['validate', file])).stdout).toContain('valid station config')
  })

  it('with --ca writes no allowPlain and refuses a plain hub API URL', { timeout: 30_000 }, async () => {
    const d = district()
    await d.ejiaConfig(['ca', 'init', '--out', join(d.dir, 'ca')])
    const ca = ['--ca', join(d.dir, 'ca'), '--hub-host', 'hub.example']
    const { stdout, stderr } = await d.provision([...ca, '--hub-http-url', 'https://hub.example:8443'])
    expect(JSON.parse(stdout).lab).toBeUndefined()
    expect(stderr).toBe('')
    for (const id of STATIONS) {
      const hub = d.hubOf(id)
      expect(hub.mqttUrl).toBe('mqtts://hub.example:8883')
      expect('allowPlain' in hub).toBe(false)
    }
    await expect(d.provision([...ca, '--hub-http-url', 'http://hub.example:8080'])).rejects.toMatchObject({
      stderr: expect.stringContaining(
        '--hub-http-url http://hub.example:8080: with --ca it must be https://',
      ),
    })
  })
})

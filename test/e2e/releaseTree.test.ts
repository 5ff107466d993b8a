import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub, type TestHub } from '../helpers/hub.js'
import { freePort } from '../helpers/net.js'
import { until } from '../helpers/wait.js'

const ROOT = new URL('../../', import.meta.url).pathname
const EDGE = join(ROOT, 'edge')
const node = (...args: string[]) => execFileSync(process.execPath, args, { encoding: 'utf8', cwd: ROOT })

/**
 * The release a district ships, built as docs/OPERATIONS.md says: scripts/release-tree.mjs
 * from this checkout, packed and signed, installed by deploy/kiosk/install.sh into a temp
 * root, and started from there as the service would be, far from the checkout's
 * node_modules. It must come up with its face models and its kiosk UI.
 */
describe('the kiosk release tree', () => {
  const work = mkdtempSync(join(tmpdir(), 'ejia-release-'))
  let hub: TestHub | undefined
  let agent: ChildProcess | undefined
  afterAll(async () => {
    agent?.kill('SIGKILL')
    await hub?.stop()
    rmSync(work, { recursive: true, force: true })
  })

  it('holds everything the agent runs: installed from its signed tarball it connects, loads the face models and serves the UI', {
    timeout: 120_000,
  }, async () => {
    const tree = join(work, 'tree')
    const built = JSON.parse(node('scripts/release-tree.mjs', '--out', tree, '--version', '7.7.7')) as {
      workspaces: number
      models: number
    }
    expect(built).toMatchObject({ workspaces: 4, models: 4 })
    // only this machine's native parts
    const ort = join(tree, 'node_modules/onnxruntime-node/bin/napi-v6')
    expect(existsSync(join(ort, 'win32'))).toBe(false)
    expect(existsSync(join(ort, process.platform, process.arch))).toBe(true)
    // refuses to write over a tree
    expect(() => node('scripts/release-tree.mjs', '--out', tree)).toThrow(/not empty/)

    const keys = join(work, 'keys')
    const out = join(work, 'out')
    mkdirSync(keys)
    mkdirSync(out)
    const release = (...args: string[]) =>
      JSON.parse(node(join(EDGE, 'bin', 'ejia-release.js'), ...args)) as Record<string, string>
    const key = release('keygen', '--out', keys)
    const packed = release('pack', '--from', tree, '--key', join(keys, 'release-key.pem'), '--out', out)
    rmSync(tree, { recursive: true })

    const district = makeDistrict(1)
    hub = await startTestHub(district.registry)
    const station = district.configs[0] as (typeof district.configs)[number]
    const root = join(work, 'root')
    const dataDir = join(root, 'var/lib/ejia')
    const apiPort = await freePort()
    const configFile = join(work, 'station.json')
    writeFileSync(
      configFile,
      JSON.stringify({
        ...station,
        hub: { ...station.hub, mqttUrl: hub.mqttUrl },
        dataDir,
        uplink: { ...station.uplink, heartbeatIntervalS: 1 },
        face: { ...station.face, enabled: true },
        localApi: { host: '127.0.0.1', port: apiPort },
        upgrade: { releaseKey: key.publicKey as string, healthTimeoutS: 20 },
      }),
    )
    mkdirSync(root)
    execFileSync('bash', [
      join(ROOT, 'deploy/kiosk/install.sh'),
      '--root',
      root,
      '--release',
      packed.tarball as string,
      '--config',
      configFile,
      '--data-dir',
      '/var/lib/ejia',
      '--node',
      process.execPath,
      '--no-system',
    ])
    const current = join(root, 'opt/ejia/current')
    expect(JSON.parse(readFileSync(join(current, 'package.json'), 'utf8')).version).toBe('7.7.7')

    const env: NodeJS.ProcessEnv = { ...process.env, EJIA_LOG_LEVEL: 'warn' }
    delete env.EJIA_MODEL_CACHE
    agent = spawn(
      process.execPath,
      [join(current, 'bin/ejia-edge.js'), '--config', join(root, 'etc/ejia/station.json')],
      { env, cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    )
    let stderr = ''
    agent.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    const online = await until(
      'the installed agent online at the hub',
      async () => {
        if (agent?.exitCode !== null) throw new Error(`the agent exited ${agent?.exitCode}: ${stderr}`)
        const res = await fetch(`${hub?.api}/api/stations/${station.station.id}`, { headers: hub?.auth })
        const s = (await res.json()) as {
          status: string
          versions: { agent: string; models?: string } | null
        }
        return s.status === 'online' && s.versions ? s.versions : undefined
      },
      60_000,
    )
    expect(online.agent).toBe('7.7.7')
    expect(online.models).toMatch(/arcface112:/) // loaded from the tree's face-models/
    const page = await until('the kiosk UI', async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${apiPort}/`)
        return res.status === 200 ? await res.text() : undefined
      } catch {
        return undefined // the local API opens after the uplink
      }
    })
    expect(page).toContain('<div id="app"')
  })
})

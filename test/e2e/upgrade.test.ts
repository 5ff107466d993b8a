import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCa, issueStationCert, loadStationConfig } from '@ejia/firmware-config'
import { afterAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub, type TestHub } from '../helpers/hub.js'
import { freePort } from '../helpers/net.js'

const ROOT = new URL('../../', import.meta.url).pathname
const EDGE = join(ROOT, 'edge')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const OLD = (JSON.parse(readFileSync(join(EDGE, 'package.json'), 'utf8')) as { version: string }).version

/** A built agent tree of `version`, as `ejia-release pack` takes it; node_modules links to the repo's. */
function stageRelease(dir: string, version: string, broken = false): string {
  const tree = join(dir, `tree-${version}`)
  mkdirSync(tree)
  cpSync(join(EDGE, 'dist'), join(tree, 'dist'), { recursive: true })
  cpSync(join(EDGE, 'bin'), join(tree, 'bin'), { recursive: true })
  const pkg = JSON.parse(readFileSync(join(EDGE, 'package.json'), 'utf8')) as { version: string }
  writeFileSync(join(tree, 'package.json'), JSON.stringify({ ...pkg, version }, null, 2))
  symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'))
  // a release whose entry point throws at start
  if (broken) writeFileSync(join(tree, 'bin', 'ejia-edge.js'), "throw new Error('broken on purpose')\n")
  return tree
}

const release = (...args: string[]) =>
  JSON.parse(
    execFileSync(process.execPath, [join(EDGE, 'bin', 'ejia-release.js'), ...args], { encoding: 'utf8' }),
  ) as Record<string, string>

/** deploy/kiosk/install.sh into a temp root, without the system user or systemd; what it said. */
const installKiosk = (root: string, tarball: string, config: string, ...more: string[]) =>
  execFileSync(
    'bash',
    [
      join(ROOT, 'deploy/kiosk/install.sh'),
      ...['--root', root, '--release', tarball, '--config', config],
      ...more,
      ...['--node', process.execPath, '--no-system'],
    ],
    { encoding: 'utf8' },
  )

type CommandView = { commandId: string; state: string; detail: string | null }

/**
 * Agent upgrades end to end: deploy/kiosk/install.sh into a temp root, the agent started
 * from `<root>/opt/ejia/current` as a plain process against a real hub, and upgrades sent
 * as hub commands to the station's town. docs/OPERATIONS.md, "Agent upgrades".
 */
describe('agent upgrade', () => {
  let hub: TestHub | undefined
  let first: ChildProcess | undefined
  let dataDir = ''
  afterAll(async () => {
    first?.kill('SIGKILL')
    const pidFile = join(dataDir, 'upgrade', 'agent.pid')
    if (existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL')
      } catch {
        // gone
      }
    }
    await hub?.stop()
  })

  it('simulates an agent upgrade with a broken new version (the install script in a temp root, with the service started as a plain process). It rolls back.', {
    timeout: 90_000,
  }, async () => {
    expect(existsSync(join(EDGE, 'dist', 'releaseCli.js')), 'run `npm run build` first').toBe(true)
    const work = mkdtempSync(join(tmpdir(), 'ejia-upgrade-'))
    const root = join(work, 'root')
    const keys = join(work, 'keys')
    const rogue = join(work, 'rogue')
    const out = join(work, 'out')
    for (const d of [root, keys, rogue, out]) mkdirSync(d)
    const key = release('keygen', '--out', keys)
    release('keygen', '--out', rogue)
    const pack = (tree: string) =>
      release('pack', '--from', tree, '--key', join(keys, 'release-key.pem'), '--out', out)
    const base = pack(stageRelease(work, OLD))
    const broken = pack(stageRelease(work, '9.0.0-broken', true))
    const good = pack(stageRelease(work, '9.1.0'))

    const district = makeDistrict(2)
    hub = await startTestHub(district.registry)
    const station = district.configs[0] as (typeof district.configs)[number]
    dataDir = join(root, 'var', 'lib', 'ejia')
    const apiPort = await freePort()
    const config = {
      ...station,
      hub: { ...station.hub, mqttUrl: hub.mqttUrl },
      dataDir,
      uplink: { ...station.uplink, heartbeatIntervalS: 1 },
      face: { ...station.face, enabled: false },
      localApi: { host: '127.0.0.1', port: apiPort },
      upgrade: { releaseKey: key.publicKey as string, healthTimeoutS: 20 },
    }
    const configFile = join(work, 'station.json')
    writeFileSync(configFile, JSON.stringify(config, null, 2))

    // the install script, twice: the second run changes nothing
    const install = () =>
      installKiosk(root, base.tarball as string, configFile, '--data-dir', dataDir.slice(root.length))
    expect(install()).toContain(`unpacked release ${OLD}`)
    expect(install()).not.toContain('installed station config')
    expect(readlinkSync(join(root, 'opt/ejia/current'))).toBe(`releases/${OLD}`)
    expect(statSync(join(root, 'etc/ejia/station.json')).mode & 0o777).toBe(0o600)
    const unit = readFileSync(join(root, 'etc/systemd/system/ejia-edge.service'), 'utf8')
    expect(unit).toContain(`ExecStart=${process.execPath} /opt/ejia/current/bin/ejia-edge.js`)
    expect(unit).toContain('Restart=on-failure')
    // the units as systemd reads them: an unknown key or a bad value is only a warning to it
    if (existsSync('/usr/bin/systemd-analyze')) {
      const units = ['system/ejia-edge.service', 'system/ejia-upgrade.service', 'system/ejia-upgrade.path']
      const user = 'user/ejia-kiosk-ui.service'
      for (const batch of [units, [user]]) {
        const verify = spawnSync('systemd-analyze', ['verify', ...batch.map((u) => `./${u}`)], {
          cwd: join(root, 'etc/systemd'),
          env: { ...process.env, SYSTEMD_LOG_LEVEL: 'notice' },
          encoding: 'utf8',
        })
        expect(verify.stderr + verify.stdout).toBe('')
        expect(verify.status).toBe(0)
      }
    }

    // the service, as a plain process
    first = spawn(
      process.execPath,
      [join(root, 'opt/ejia/current/bin/ejia-edge.js'), '--config', join(root, 'etc/ejia/station.json')],
      { env: { ...process.env, EJIA_LOG_LEVEL: 'warn' }, stdio: 'ignore' },
    )
    const stationApi = `${hub.api}/api/stations/${station.station.id}`
    const agentVersion = async () => {
      const res = await fetch(stationApi, { headers: (hub as TestHub).auth })
      const s = (await res.json()) as { status: string; versions: { agent: string } | null }
      return s.status === 'online' ? s.versions?.agent : undefined
    }
    const waitFor = async <T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 40_000) => {
      const end = Date.now() + ms
      let v = await get()
      while (!ok(v)) {
        if (Date.now() > end) throw new Error(`${what}: last ${JSON.stringify(v)}`)
        await sleep(250)
        v = await get()
      }
      return v
    }
    await waitFor('first heartbeat', agentVersion, (v) => v === OLD)

    // staged by town: the town of this station only
    const upgrade = async (args: { version: string; url: string; sha256: string }) => {
      const res = await fetch(`${(hub as TestHub).api}/api/commands`, {
        method: 'POST',
        headers: { ...(hub as TestHub).auth, 'content-type': 'application/json' },
        body: JSON.stringify({ target: { town: station.station.townCode }, name: 'upgradeAgent', args }),
      })
      expect(res.status).toBe(201)
      const { commands } = (await res.json()) as { commands: (CommandView & { stationId: string })[] }
      expect(commands.map((c) => c.stationId)).toEqual([station.station.id])
      const id = (commands[0] as CommandView).commandId
      return waitFor(
        `command ${args.version}`,
        async () => {
          const r = await fetch(`${(hub as TestHub).api}/api/commands?station=${station.station.id}`, {
            headers: (hub as TestHub).auth,
          })
          return ((await r.json()) as { commands: CommandView[] }).commands.find((c) => c.commandId === id)
        },
        (c) => c !== undefined && !['pending', 'accepted'].includes(c.state),
      ) as Promise<CommandView>
    }
    const argsOf = (p: Record<string, string>) => ({
      version: p.version as string,
      url: p.tarball as string,
      sha256: p.sha256 as string,
    })

    // 1. a broken release: it does not come up, the old one runs again, the command failed
    const failed = await upgrade(argsOf(broken))
    expect(failed.state).toBe('failed')
    expect(failed.detail).toContain(`rolled back to ${OLD}: 9.0.0-broken exited`)
    expect(readlinkSync(join(root, 'opt/ejia/current'))).toBe(`releases/${OLD}`)
    expect(existsSync(join(root, 'opt/ejia/releases/9.0.0-broken'))).toBe(false)
    await waitFor('old agent back', agentVersion, (v) => v === OLD)
    const status = (await (await fetch(`http://127.0.0.1:${apiPort}/api/status`)).json()) as {
      health: { versions: { agent: string } }
    }
    expect(status.health.versions.agent).toBe(OLD)

    // 2. tampered artefacts are refused before any switch
    const tamperedDir = join(work, 'tampered')
    mkdirSync(tamperedDir)
    const tampered = join(tamperedDir, 'ejia-edge-9.1.0.tar.gz')
    const bytes = readFileSync(good.tarball as string)
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] as number) ^ 0xff
    writeFileSync(tampered, bytes)
    cpSync(`${good.tarball}.manifest.json`, `${tampered}.manifest.json`)
    const badSum = await upgrade({ ...argsOf(good), url: tampered })
    expect(badSum).toMatchObject({ state: 'failed' })
    expect(badSum.detail).toContain("the tarball's SHA-256")

    const rogueOut = join(work, 'rogue-out')
    mkdirSync(rogueOut)
    const unsigned = JSON.parse(
      execFileSync(
        process.execPath,
        [
          join(EDGE, 'bin', 'ejia-release.js'),
          'pack',
          '--from',
          join(work, 'tree-9.1.0'),
          '--key',
          join(rogue, 'release-key.pem'),
          '--out',
          rogueOut,
        ],
        { encoding: 'utf8' },
      ),
    ) as Record<string, string>
    const badSig = await upgrade(argsOf(unsigned))
    expect(badSig).toMatchObject({ state: 'failed' })
    expect(badSig.detail).toContain('signature does not verify')
    expect(readlinkSync(join(root, 'opt/ejia/current'))).toBe(`releases/${OLD}`)
    expect(existsSync(join(root, 'opt/ejia/releases/9.1.0'))).toBe(false)

    // 3. a good release: switched, healthy, reported, and the heartbeat names it
    const done = await upgrade(argsOf(good))
    expect(done.state).toBe('succeeded')
    expect(done.detail).toContain('agent 9.1.0 running and connected')
    expect(readlinkSync(join(root, 'opt/ejia/current'))).toBe('releases/9.1.0')
    expect(existsSync(join(root, `opt/ejia/releases/${OLD}`))).toBe(true)
    await waitFor('new version in heartbeats', agentVersion, (v) => v === '9.1.0')
  })
})

/**
 * A kiosk provisioned with `ejia-config provision --ca` logs in over mqtts with the files its
 * config names beside it: the install script must bring them along (issue 10: TLS by default).
 */
describe('installing a kiosk with its TLS files', () => {
  it('installs the CA and the station certificate 0644 and its key 0600 beside station.json, once', async () => {
    const work = mkdtempSync(join(tmpdir(), 'ejia-install-tls-'))
    const [root, keys, out, bundle] = ['root', 'keys', 'out', 'bundle'].map((d) => join(work, d)) as [
      string,
      string,
      string,
      string,
    ]
    for (const d of [root, keys, out, bundle]) mkdirSync(d)
    release('keygen', '--out', keys)
    const base = release(
      'pack',
      '--from',
      stageRelease(work, OLD),
      '--key',
      join(keys, 'release-key.pem'),
      '--out',
      out,
    )
    const station = structuredClone(makeDistrict(1).configs[0]!)
    const id = station.station.id
    const ca = await createCa({ name: '测试区 CA' })
    const cert = await issueStationCert(ca, id)
    writeFileSync(join(bundle, 'ca.crt'), ca.certPem)
    writeFileSync(join(bundle, `${id}.crt`), cert.certPem)
    writeFileSync(join(bundle, `${id}.key`), cert.keyPem)
    const { allowPlain: _, ...hub } = station.hub as typeof station.hub & { allowPlain?: boolean }
    const config = {
      ...station,
      hub: {
        ...hub,
        mqttUrl: 'mqtts://hub.example:8883',
        tls: { caFile: 'ca.crt', certFile: `${id}.crt`, keyFile: `${id}.key` },
      },
      dataDir: '/var/lib/ejia',
    }
    writeFileSync(join(bundle, `${id}.json`), JSON.stringify(config, null, 2))
    const install = () => installKiosk(root, base.tarball as string, join(bundle, `${id}.json`))
    const said = install()
    for (const f of ['ca.crt', `${id}.crt`, `${id}.key`]) expect(said).toContain(`installed /etc/ejia/${f}`)
    expect(install()).not.toContain('installed /etc/ejia/')
    const etc = join(root, 'etc/ejia')
    expect(statSync(join(etc, `${id}.key`)).mode & 0o777).toBe(0o600)
    expect(statSync(join(etc, `${id}.crt`)).mode & 0o777).toBe(0o644)
    // the installed config finds them where the agent will look
    const loaded = loadStationConfig(join(etc, 'station.json'))
    expect(readFileSync(loaded.hub.tls?.keyFile as string, 'utf8')).toBe(cert.keyPem)
    expect(readFileSync(loaded.hub.tls?.caFile as string, 'utf8')).toBe(ca.certPem)
  })
})

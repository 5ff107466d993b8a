import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../../test/helpers/district.js'
import { loginSession, startTestHub, TEST_ADMIN, type TestHub } from '../../test/helpers/hub.js'
import { tempDatabase } from '../../test/helpers/postgres.js'

const run = promisify(execFile)
const CLI = new URL('../bin/ejia-operator.js', import.meta.url).pathname

/** `ejia-operator` on the data folder of a running hub (the built dist, as an operator runs it). */
describe('ejia-operator', () => {
  const district = makeDistrict(2)
  const town = district.configs[0]?.station.townCode as string
  let hub: TestHub
  let dataDir: string
  const cli = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, [CLI, ...args, '--data', dataDir], { env: { ...process.env, ...env } })
  const canLogIn = (username: string, password: string) =>
    loginSession(hub.api, username, password).then(
      () => true,
      () => false,
    )

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ejia-op-'))
    hub = await startTestHub(district.registry, { dataDir })
  })
  afterAll(() => hub?.stop())

  it('resets a lost password while the hub runs, and adds, lists and disables operators', async () => {
    const { stdout } = await cli(['password', '--user', TEST_ADMIN.username])
    const password = stdout.trim()
    expect(password.length).toBeGreaterThanOrEqual(16)
    expect(await canLogIn(TEST_ADMIN.username, TEST_ADMIN.password)).toBe(false)
    expect(await canLogIn(TEST_ADMIN.username, password)).toBe(true)

    await cli(['add', '--user', 'town-op', '--tier', 'town', '--scope', town, '--name', '镇值班员'], {
      EJIA_PASSWORD: 'a-chosen-password',
    })
    expect(await canLogIn('town-op', 'a-chosen-password')).toBe(true)
    expect((await cli(['list'])).stdout).toMatch(new RegExp(`town-op\\ttown\\t${town}\\tactive`))

    await cli(['disable', '--user', 'town-op'])
    expect(await canLogIn('town-op', 'a-chosen-password')).toBe(false)
    const audit = await fetch(`${hub.api}/api/audit?limit=50`, { headers: hub.auth })
    const actions = ((await audit.json()) as { entries: { actor: string; action: string }[] }).entries
    expect(actions.filter((e) => e.actor === 'ejia-operator').map((e) => e.action)).toEqual(
      expect.arrayContaining(['operator.password', 'operator.add', 'operator.disable']),
    )
  })

  it('refuses a scope outside the registry, a short password and an unknown command, saying why', async () => {
    await expect(
      cli(['add', '--user', 'x1', '--tier', 'town', '--scope', '999999999']),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no town 999999999'),
    })
    await expect(
      cli(['add', '--user', 'x2', '--tier', 'district'], { EJIA_PASSWORD: 'short' }),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('at least 10') })
    await expect(cli(['frobnicate'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage'),
    })
  })
})

/** The same console on a hub whose data is in PostgreSQL (`--store`, docs/SCALING.md). */
describe('ejia-operator on PostgreSQL', () => {
  const district = makeDistrict(2)
  const town = district.configs[0]?.station.townCode as string
  let db: Awaited<ReturnType<typeof tempDatabase>>
  let hub: TestHub
  beforeAll(async () => {
    db = await tempDatabase()
    hub = await startTestHub(district.registry, { store: db.url })
  })
  afterAll(async () => {
    await hub?.stop()
    await db?.drop()
  })

  it('adds an operator the running hub lets in, and audits it', async () => {
    const cli = (args: string[], env: Record<string, string> = {}) =>
      run(process.execPath, [CLI, ...args, '--store', db.url], { env: { ...process.env, ...env } })
    await cli(['add', '--user', 'pg-town-op', '--tier', 'town', '--scope', town], {
      EJIA_PASSWORD: 'pg-town-op-password',
    })
    expect((await cli(['list'])).stdout).toMatch(new RegExp(`^pg-town-op\\ttown\\t${town}\\tactive`, 'm'))
    await expect(loginSession(hub.api, 'pg-town-op', 'pg-town-op-password')).resolves.toBeTruthy()
    const res = await fetch(`${hub.api}/api/audit?limit=5`, { headers: hub.auth })
    const { entries } = (await res.json()) as { entries: { actor: string; action: string }[] }
    expect(entries).toContainEqual(
      expect.objectContaining({ actor: 'ejia-operator', action: 'operator.add' }),
    )
    await expect(
      cli(['add', '--user', 'x', '--tier', 'town', '--scope', town], { EJIA_PASSWORD: 'x' }).catch((e) => e),
    ).resolves.toMatchObject({ code: 1 })
  })
})

import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../adapters/fake/manualClock.js'
import { StationCredentials } from './credentials.js'

const OLD = 'old-secret-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
const NEW = 'new-secret-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'

/**
 * A station config file in a temp dir, and a fake uplink: each restart logs in the way
 * MqttUplink does, the file's secret first and the other one when the hub refuses it.
 */
function setup(hubAccepts: (secret: string) => boolean, opts: { prev?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ejia-creds-'))
  const file = join(dir, 'station.json')
  const config = (password: string) =>
    `${JSON.stringify({ station: { id: '339901001001' }, hub: { username: '339901001001', password }, dataDir: '.' }, null, 2)}\n`
  writeFileSync(file, config(OLD), { mode: 0o600 })
  if (opts.prev) writeFileSync(`${file}.prev`, config(opts.prev), { mode: 0o600 })
  const clock = new ManualClock()
  let switched = 0
  const creds = StationCredentials.open(file, OLD, {
    clock,
    log: pino({ level: 'silent' }),
    timeoutMs: 60_000,
    onSwitched: () => void switched++,
  })
  const logins: string[] = []
  let restarts = 0
  const restart = async () => {
    restarts++
    const login = creds.login()
    for (const secret of [login.password, login.alternatePassword]) {
      if (secret !== undefined && hubAccepts(secret)) {
        logins.push(secret)
        queueMicrotask(() => login.onLogin(secret))
        return
      }
    }
  }
  const secretIn = (path: string) =>
    (JSON.parse(readFileSync(path, 'utf8')) as { hub: { password: string } }).hub.password
  return {
    creds,
    clock,
    restart,
    logins,
    file,
    get restarts() {
      return restarts
    },
    get switched() {
      return switched
    },
    onDisk: () => ({ file: secretIn(file), prev: secretIn(`${file}.prev`) }),
  }
}

/** Waits for what file writes bring about, however loaded the machine (a fixed sleep was not enough in CI). */
async function eventually(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10))
}

describe('the kiosk’s station secrets', () => {
  it('rotates: the new secret goes into the file, the old into .prev, then it logs in with the new one', async () => {
    const t = setup(() => true)
    await expect(t.creds.rotate(NEW, t.restart)).resolves.toMatch(/logged in with the new secret/)
    expect(t.onDisk()).toEqual({ file: NEW, prev: OLD })
    expect(statSync(t.file).mode & 0o777).toBe(0o600)
    expect(t.logins).toEqual([NEW])
    expect(t.restarts).toBe(1)
    // the other fields are kept as written
    expect(JSON.parse(readFileSync(t.file, 'utf8')).station).toEqual({ id: '339901001001' })
    // the same command again changes nothing
    await expect(t.creds.rotate(NEW, t.restart)).resolves.toMatch(/already/)
    expect(t.restarts).toBe(1)
  })

  it('goes back to the old secret when the hub refuses the new one, and says why', async () => {
    const t = setup((s) => s === OLD)
    await expect(t.creds.rotate(NEW, t.restart)).rejects.toThrow(/refused the new secret/)
    expect(t.onDisk()).toEqual({ file: OLD, prev: NEW })
    expect(t.logins).toEqual([OLD, OLD])
    expect(t.creds.login().password).toBe(OLD)
  })

  it('goes back to the old secret when it cannot log in within the bound (hub away)', async () => {
    const t = setup(() => false)
    const rotation = t.creds.rotate(NEW, t.restart)
    await eventually(() => t.restarts === 1) // the file written, the login's timer running
    expect(t.onDisk()).toEqual({ file: NEW, prev: OLD })
    t.clock.advance(60_000)
    await expect(rotation).rejects.toThrow(/within 60 s; back on the old one/)
    expect(t.onDisk()).toEqual({ file: OLD, prev: NEW })
    expect(t.restarts).toBe(2)
    // both secrets are still known: whichever the hub takes later gets in
    expect(t.creds.login()).toMatchObject({ password: OLD, alternatePassword: NEW })
  })

  it('tries .prev’s secret when the hub refuses the file’s, and the file follows the one that works', async () => {
    // e.g. the hub promoted NEW on a login whose CONNACK the kiosk never saw, and it went back to OLD
    const t = setup((s) => s === NEW, { prev: NEW })
    expect(t.creds.login()).toMatchObject({ password: OLD, alternatePassword: NEW })
    await t.restart()
    // the swap writes the file, then .prev: wait for both (under load a check fell between them)
    await eventually(() => t.switched === 1 && t.onDisk().file === NEW && t.onDisk().prev === OLD)
    expect(t.logins).toEqual([NEW])
    expect(t.onDisk()).toEqual({ file: NEW, prev: OLD })
    expect(t.switched).toBe(1)
    expect(t.creds.login()).toMatchObject({ password: NEW, alternatePassword: OLD })
  })

  it('refuses to rotate without a config file', async () => {
    const creds = StationCredentials.open(undefined, OLD, {
      clock: new ManualClock(),
      log: pino({ level: 'silent' }),
    })
    expect(creds.canRotate).toBe(false)
    await expect(creds.rotate(NEW, async () => undefined)).rejects.toThrow(/without a station config file/)
  })
})

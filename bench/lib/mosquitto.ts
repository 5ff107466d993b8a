import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import type { DynsecConfig } from '@ejia/firmware-config'
import { accepts, freePort } from './net.js'

export const MOSQUITTO = '/usr/sbin/mosquitto'
export const DYNSEC_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so'

export interface TestMosquitto {
  url: string
  port: number
  log(): string
  stop(): Promise<void>
}

/**
 * A Mosquitto of the test's own on an ephemeral port (the machine's own, on 1883, is left
 * alone): anonymous, or with the dynamic-security plugin reading `dynsec`; `settings` are
 * more mosquitto.conf lines (MOSQUITTO_EJIA_SETTINGS, as `ejia-config broker-acl` writes them).
 */
export async function startMosquitto(
  opts: { dynsec?: DynsecConfig; settings?: readonly string[] } = {},
): Promise<TestMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'ejia-mosquitto-'))
  const port = await freePort()
  const lines = [
    `listener ${port} 127.0.0.1`,
    'persistence false',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    // run as root it would drop to the user mosquitto, who cannot read the test's files
    `user ${userInfo().username}`,
  ]
  if (opts.dynsec) {
    writeFileSync(join(dir, 'dynamic-security.json'), JSON.stringify(opts.dynsec), { mode: 0o600 })
    lines.push(
      'allow_anonymous false',
      `plugin ${DYNSEC_PLUGIN}`,
      `plugin_opt_config_file ${join(dir, 'dynamic-security.json')}`,
    )
  } else lines.push('allow_anonymous true')
  lines.push(...(opts.settings ?? []))
  writeFileSync(join(dir, 'mosquitto.conf'), `${lines.join('\n')}\n`)
  const child: ChildProcess = spawn(MOSQUITTO, ['-c', join(dir, 'mosquitto.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let log = ''
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-20_000)
  })
  const end = Date.now() + 10_000
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited ${child.exitCode}: ${log}`)
    if (Date.now() > end) throw new Error(`mosquitto did not listen on ${port}: ${log}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    log: () => log,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    },
  }
}

import { spawn } from 'node:child_process'
import { accepts, freePort } from './net.js'

export interface TestRedis {
  url: string
  stop(): Promise<void>
}

/**
 * A Redis of the caller's own on an ephemeral port, in memory only (the machine's own, on
 * 6379, is left alone): pub/sub is server-wide, so nodes of two runs must not share one.
 */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort()
  const child = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let log = ''
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-10_000)
  })
  const end = Date.now() + 10_000
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited ${child.exitCode}: ${log}`)
    if (Date.now() > end) throw new Error(`redis-server did not listen on ${port}: ${log}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    },
  }
}

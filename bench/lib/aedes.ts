import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface BenchAedes {
  url: string
  port: number
  pid: number
  stop(): Promise<void>
}

/** A bare aedes broker in a process of its own (aedesServer.ts), on an ephemeral port. */
export async function startAedes(): Promise<BenchAedes> {
  const child = spawn(process.execPath, [new URL('./aedesServer.js', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-10_000)
  })
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) =>
      resolve((JSON.parse(line) as { port: number }).port),
    )
    child.once('exit', (code) => reject(new Error(`aedes exited ${code}: ${err}`)))
  })
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    pid: child.pid as number,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}

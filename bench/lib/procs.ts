import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'

const ROOT = new URL('../../../', import.meta.url).pathname

export interface BenchProc {
  child: ChildProcess
  /** The first JSON line the process printed (its ports). */
  ready: Promise<Record<string, unknown>>
  /** Resident memory now and at its peak (VmRSS, VmHWM), bytes. */
  memory(): { rss: number; peak: number }
  stop(): Promise<void>
}

/** A CLI of this repository as a real process, from its dist/ (npm run build first). */
export function runBin(
  workspace: string,
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): BenchProc {
  const child = spawn(process.execPath, [`${ROOT}${workspace}/bin/${bin}.js`, ...args], {
    env: { ...process.env, EJIA_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-10_000)
  })
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        resolve(JSON.parse(line) as Record<string, unknown>)
      } catch {
        // not the JSON line
      }
    })
    child.once('exit', (code) => reject(new Error(`${bin} exited ${code}: ${err}`)))
  })
  ready.catch(() => undefined)
  return {
    child,
    ready,
    memory: () => memoryOf(child.pid as number),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    },
  }
}

/** VmRSS and VmHWM of a process, from /proc (Linux). */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024
  return { rss: kib('VmRSS'), peak: kib('VmHWM') }
}

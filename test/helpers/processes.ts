import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

const ROOT = new URL('../../', import.meta.url).pathname

/** A CLI of this repo run as a real process, from its built dist/. */
export interface Proc {
  child: ChildProcess
  /** Resolves with the first stdout line that parses as JSON. */
  firstJson: Promise<Record<string, unknown>>
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>
  stderr(): string
}

export function runBin(
  bin: 'hub' | 'edge' | 'simulators' | 'firmware-config',
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Proc {
  const child = spawn(process.execPath, [`${ROOT}${bin}/bin/${name}.js`, ...args], {
    cwd: ROOT,
    env: { ...process.env, EJIA_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-20_000)
  })
  const firstJson = new Promise<Record<string, unknown>>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
    lines.on('line', (line) => {
      try {
        resolve(JSON.parse(line) as Record<string, unknown>)
      } catch {
        // not the JSON line
      }
    })
    child.once('exit', (code, signal) =>
      reject(new Error(`${name} exited (${code ?? signal}) before printing JSON:\n${err}`)),
    )
  })
  firstJson.catch(() => undefined)
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  )
  return { child, firstJson, exited, stderr: () => err }
}

/** kill -9, and wait until the process is gone. */
export async function kill9(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return
  p.child.kill('SIGKILL')
  await p.exited
}

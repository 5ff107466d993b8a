import { readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { syncDir, writeFileAtomic } from './atomicFile.js'

/** The station config file holds the station's secret: readable by its owner only. */
const SECRET_FILE_MODE = 0o600

/**
 * The station config file the kiosk was started from, and `<file>.prev`, the one before a
 * secret rotation. Only `hub.password` is changed; every other field is kept as written.
 * Each write is whole or not at all (temp file, fsync, rename, directory fsync), and the
 * order of the two writes keeps both secrets on disk at every moment a kill could come:
 * a kiosk restarted from them always holds the secret the hub accepts.
 */
export class StationConfigFile {
  readonly previousPath: string

  constructor(readonly path: string) {
    this.previousPath = `${path}.prev`
  }

  /** The secret in the file, and in `.prev` (undefined if absent or unreadable). */
  secrets(): { current: string | undefined; previous: string | undefined } {
    return { current: passwordOf(readText(this.path)), previous: passwordOf(readText(this.previousPath)) }
  }

  /** Keeps the file as `.prev`, then writes it with `secret`: the old secret is on disk before the new one. */
  async rotate(secret: string): Promise<void> {
    const text = readText(this.path)
    if (text === undefined) throw new Error(`cannot read the station config ${this.path}`)
    await writeFileAtomic(this.previousPath, Buffer.from(text), SECRET_FILE_MODE)
    await writeFileAtomic(this.path, Buffer.from(withPassword(text, secret)), SECRET_FILE_MODE)
    await syncDir(dirname(this.path))
  }

  /**
   * Makes `.prev`'s secret the file's and the file's `.prev`'s. The file is written first:
   * it gets the secret known to work, so a kill between the writes leaves that one twice.
   */
  async swap(): Promise<void> {
    const text = readText(this.path)
    const previous = passwordOf(readText(this.previousPath))
    if (text === undefined || previous === undefined)
      throw new Error(`no previous secret in ${this.previousPath}`)
    const current = passwordOf(text) as string
    await writeFileAtomic(this.path, Buffer.from(withPassword(text, previous)), SECRET_FILE_MODE)
    await writeFileAtomic(this.previousPath, Buffer.from(withPassword(text, current)), SECRET_FILE_MODE)
    await syncDir(dirname(this.path))
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

function passwordOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  try {
    const password = (JSON.parse(text) as { hub?: { password?: unknown } }).hub?.password
    return typeof password === 'string' ? password : undefined
  } catch {
    return undefined
  }
}

function withPassword(text: string, password: string): string {
  const config = JSON.parse(text) as { hub: Record<string, unknown> }
  config.hub.password = password
  return `${JSON.stringify(config, null, 2)}\n`
}

import { createWriteStream, existsSync, readFileSync } from 'node:fs'
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import type { InstallLayout } from './layout.js'
import { manifestNameOf, ReleaseError, sha256File, VERSION_PATTERN, verifyManifest } from './release.js'

/** `upgradeAgent`'s arguments (protocol `commandArgs.upgradeAgent`). */
export interface UpgradeArgs {
  version: string
  url: string
  sha256: string
}

/** What the agent hands to `ejia-upgrade` (`<dataDir>/upgrade/request.json`). */
export interface UpgradeRequest {
  commandId: string
  from: string
  to: string
  installDir: string
  /** The running agent's local API, probed for the new version. */
  statusUrl: string
  healthTimeoutS: number
  restart:
    | { mode: 'systemd'; unit: string }
    | { mode: 'process'; pid: number; execPath: string; args: string[]; cwd: string; logFile: string }
}

/** What `ejia-upgrade` leaves for the agent that runs after it (`<dataDir>/upgrade/outcome.json`). */
export interface UpgradeOutcome {
  commandId: string
  state: 'succeeded' | 'failed'
  detail: string
}

export const upgradeDir = (dataDir: string) => join(dataDir, 'upgrade')
export const requestFile = (dataDir: string) => join(upgradeDir(dataDir), 'request.json')
export const outcomeFile = (dataDir: string) => join(upgradeDir(dataDir), 'outcome.json')

/** Largest tarball taken: a kiosk's disk is small and shared with the journal. */
const MAX_TARBALL_BYTES = 512 * 1024 * 1024

/**
 * Fetches the tarball and its manifest (http(s) from the hub or any server, or a local path
 * or file: URL), checks the checksum the command names, the manifest's signature and
 * checksum, and unpacks it into releases/<version>. Nothing is switched: a tampered
 * artefact fails here, with the agent in force untouched.
 */
export async function prepareRelease(
  args: UpgradeArgs,
  deps: { layout: InstallLayout; dataDir: string; releaseKey: string },
): Promise<string> {
  if (!VERSION_PATTERN.test(args.version))
    throw new ReleaseError('badManifest', `bad version ${args.version}`)
  const dir = upgradeDir(deps.dataDir)
  await mkdir(dir, { recursive: true })
  const tarball = join(dir, `download-${args.version}.tar.gz`)
  try {
    const manifestText = await fetchText(manifestNameOf(args.url))
    const manifest = verifyManifest(manifestText, deps.releaseKey)
    if (manifest.version !== args.version) {
      throw new ReleaseError('wrongVersion', `the manifest is for ${manifest.version}, not ${args.version}`)
    }
    if (manifest.sha256 !== args.sha256.toLowerCase()) {
      throw new ReleaseError('badChecksum', 'the command names another SHA-256 than the signed manifest')
    }
    await fetchFile(args.url, tarball)
    const got = await sha256File(tarball)
    if (got.sha256 !== manifest.sha256 || got.size !== manifest.size) {
      throw new ReleaseError(
        'badChecksum',
        `the tarball's SHA-256 is ${got.sha256} (${got.size} bytes), the signed manifest says ${manifest.sha256}`,
      )
    }
    return await deps.layout.unpack(tarball, args.version)
  } finally {
    await rm(tarball, { force: true })
  }
}

const localPath = (url: string) =>
  url.startsWith('file:') ? fileURLToPath(url) : isAbsolute(url) ? url : undefined

async function fetchText(url: string): Promise<string> {
  const path = localPath(url)
  if (path) {
    if (!existsSync(path)) throw new ReleaseError('download', `no file ${path}`)
    return readFile(path, 'utf8')
  }
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) })
  if (!res.ok) throw new ReleaseError('download', `GET ${url}: HTTP ${res.status}`)
  return res.text()
}

async function fetchFile(url: string, to: string): Promise<void> {
  const path = localPath(url)
  if (path) {
    if (!existsSync(path)) throw new ReleaseError('download', `no file ${path}`)
    await copyFile(path, to)
    return
  }
  const res = await fetch(url, { signal: AbortSignal.timeout(30 * 60_000) })
  if (!res.ok || !res.body) throw new ReleaseError('download', `GET ${url}: HTTP ${res.status}`)
  let size = 0
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length
      done(size > MAX_TARBALL_BYTES ? new ReleaseError('download', 'the tarball is too large') : null, chunk)
    },
  })
  await pipeline(
    Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
    cap,
    createWriteStream(to),
  )
}

/** Writes a JSON file whole or not at all (a path unit may fire on it at once). */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.tmp`
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 })
  await rename(tmp, file)
}

export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T
  } catch {
    return undefined
  }
}

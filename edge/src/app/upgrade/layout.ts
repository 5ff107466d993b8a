import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { mkdir, readdir, readlink, rename, rm, symlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { ReleaseError } from './release.js'

const run = promisify(execFile)

/**
 * The install tree deploy/kiosk/install.sh lays out: `<installDir>/releases/<version>/`
 * holds each release, and `<installDir>/current` is a relative symlink to the one in force,
 * which the systemd unit starts (`current/bin/ejia-edge.js`).
 */
export class InstallLayout {
  constructor(readonly installDir: string) {}

  /** The install dir of the agent running from `packageDir`, if it runs from `<dir>/releases/<v>`. */
  static ofPackage(packageDir: string): InstallLayout | undefined {
    const real = realpathSync(packageDir)
    return basename(dirname(real)) === 'releases' ? new InstallLayout(dirname(dirname(real))) : undefined
  }

  get releasesDir(): string {
    return join(this.installDir, 'releases')
  }
  get currentLink(): string {
    return join(this.installDir, 'current')
  }
  releaseDir(version: string): string {
    return join(this.releasesDir, version)
  }

  /** The version `current` points at. */
  async current(): Promise<string> {
    return basename(await readlink(this.currentLink))
  }

  /** Points `current` at `version` in one rename(2), so a crash leaves either the old or the new link. */
  async switchTo(version: string): Promise<void> {
    if (!existsSync(this.releaseDir(version))) throw new ReleaseError('badRelease', `no release ${version}`)
    const tmp = join(this.installDir, `.current-${randomBytes(4).toString('hex')}`)
    await symlink(join('releases', version), tmp)
    await rename(tmp, this.currentLink)
  }

  /**
   * Unpacks a checked tarball into releases/<version> (through a staging dir, so a half
   * unpacked release is never there) and checks it is that version of the agent.
   */
  async unpack(tarball: string, version: string): Promise<string> {
    await mkdir(this.releasesDir, { recursive: true })
    const staging = join(this.releasesDir, `.staging-${version}-${randomBytes(4).toString('hex')}`)
    await mkdir(staging)
    try {
      // GNU tar: the tarball was checked against its signed manifest before this point
      await run('tar', ['-xzf', tarball, '-C', staging, '--no-same-owner', '--no-same-permissions'])
      const pkgFile = join(staging, 'package.json')
      if (!existsSync(pkgFile) || !existsSync(join(staging, 'bin', 'ejia-edge.js'))) {
        throw new ReleaseError(
          'badRelease',
          'the tarball holds no package.json and bin/ejia-edge.js at its top',
        )
      }
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { version?: string }
      if (pkg.version !== version) {
        throw new ReleaseError('wrongVersion', `the tarball holds version ${pkg.version}, not ${version}`)
      }
      const target = this.releaseDir(version)
      if ((await this.current().catch(() => '')) === version) {
        throw new ReleaseError('badRelease', `${version} is the release in force already`)
      }
      await rm(target, { recursive: true, force: true })
      await rename(staging, target)
      return target
    } catch (err) {
      await rm(staging, { recursive: true, force: true })
      throw err
    }
  }

  /** Removes every release but those in `keep` (the one in force and the one to go back to). */
  async prune(keep: readonly string[]): Promise<string[]> {
    const removed: string[] = []
    for (const name of await readdir(this.releasesDir).catch(() => [] as string[])) {
      if (keep.includes(name)) continue
      await rm(join(this.releasesDir, name), { recursive: true, force: true })
      removed.push(name)
    }
    return removed
  }
}

import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fsyncPath } from './backupFiles.js'

const STATION_DIR = /^[0-9A-Za-z_-]{1,64}$/
/** A whole photo or thumbnail; the photo store's temporary files are left out. */
const PHOTO_FILE = /^[0-9a-f]{64}(\.thumb)?\.jpg$/

export interface MirrorResult {
  copied: number
  files: number
  bytes: number
}

/**
 * Copies the photos `to` does not have yet, `<stationId>/<photoId>.jpg` and its thumbnail.
 * A photo's name is the SHA-256 of its bytes and the hub never rewrites one, so a file of the
 * same name and size is the same photo: each run copies only the new ones. Each copy goes to
 * a temporary name and is renamed, so an interrupted run leaves no half photo. Photos gone
 * from `from` stay in the mirror (a restore brings them back).
 */
export async function mirrorPhotos(from: string, to: string): Promise<MirrorResult> {
  const result: MirrorResult = { copied: 0, files: 0, bytes: 0 }
  const stations = await readdir(from, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return []
    throw err
  })
  for (const dir of stations) {
    if (!dir.isDirectory() || !STATION_DIR.test(dir.name)) continue
    const src = join(from, dir.name)
    const dst = join(to, dir.name)
    await mkdir(dst, { recursive: true })
    const have = new Map<string, number>()
    for (const name of await readdir(dst)) {
      if (PHOTO_FILE.test(name)) have.set(name, (await stat(join(dst, name))).size)
    }
    let copiedHere = 0
    for (const name of await readdir(src)) {
      if (!PHOTO_FILE.test(name)) continue
      const size = (await stat(join(src, name))).size
      result.files++
      result.bytes += size
      if (have.get(name) === size) continue
      const tmp = join(dst, `.${name}.tmp`)
      await copyFile(join(src, name), tmp)
      await fsyncPath(tmp)
      await rename(tmp, join(dst, name)).catch(async (err) => {
        await rm(tmp, { force: true })
        throw err
      })
      result.copied++
      copiedHere++
    }
    if (copiedHere > 0) await fsyncPath(dst)
  }
  return result
}

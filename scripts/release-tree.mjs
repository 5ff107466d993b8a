#!/usr/bin/env node
// Assembles the kiosk agent's release tree from a built checkout (npm ci && npm run build),
// the input of `ejia-release pack` (docs/OPERATIONS.md, "Releasing and staging an agent
// upgrade"). Like `pnpm deploy`: the edge package itself (package.json, bin/, dist/), the
// face models it runs (face-models/, checked against edge/models/manifest.json), and in
// node_modules/ exactly its production dependencies, copied from this checkout's installed
// ones (native addons included: build on a machine of the kiosks' architecture) with the
// workspace packages it imports reduced to package.json, bin/ and dist/. Nothing is fetched.
//
//   node scripts/release-tree.mjs --out DIR [--version 1.2.3]
//
// Refuses a DIR that exists and is not empty, an unbuilt workspace, and models that do not
// match their pinned hashes.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { parseArgs } from 'node:util'

const root = resolve(new URL('..', import.meta.url).pathname)
const { values } = parseArgs({ options: { out: { type: 'string' }, version: { type: 'string' } } })
if (!values.out) fail('usage: release-tree.mjs --out DIR [--version X.Y.Z]')
const out = resolve(values.out)
if (existsSync(out) && readdirSync(out).length > 0) fail(`${out} exists and is not empty`)

const edge = join(root, 'edge')
const pkg = JSON.parse(readFileSync(join(edge, 'package.json'), 'utf8'))
const version = values.version ?? pkg.version
if (!/^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/.test(version)) fail(`bad version '${version}'`)

// 1. the production dependency closure, as npm resolved it for this checkout
const listed = execFileSync('npm', ['ls', '--workspace', 'edge', '--omit=dev', '--all', '--parseable'], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
})
const modules = join(root, 'node_modules')
const paths = [
  ...new Set(
    listed
      .split('\n')
      .filter((p) => p.startsWith(modules + sep))
      .map((p) => relative(modules, p)),
  ),
].sort()
// a package copied whole brings its nested node_modules along: skip what lies inside one
const tops = paths.filter((p, i) => !paths.slice(0, i).some((q) => p.startsWith(`${q}${sep}`)))

mkdirSync(join(out, 'node_modules'), { recursive: true })
let workspaces = 0
for (const p of tops) {
  const from = join(modules, p)
  const to = join(out, 'node_modules', p)
  const real = realpathSync(from)
  if (p === join('@ejia', 'edge')) continue
  if (!real.startsWith(modules + sep)) {
    // a workspace package (a link into the checkout): what it runs, not its sources
    copyBuilt(real, to)
    workspaces++
  } else {
    cpSync(from, to, { recursive: true, dereference: false, verbatimSymlinks: true })
  }
}

// native parts for other machines and build leftovers: a kiosk runs none of them
let pruned = 0
const ort = join(out, 'node_modules/onnxruntime-node/bin')
for (const napi of existsSync(ort) ? readdirSync(ort) : [])
  for (const platform of readdirSync(join(ort, napi))) {
    const dir = join(ort, napi, platform)
    if (platform !== process.platform) prune(dir)
    else for (const arch of readdirSync(dir)) if (arch !== process.arch) prune(join(dir, arch))
  }
const sqlite = join(out, 'node_modules/sqlite3')
for (const leftover of [
  'build/Release/obj',
  'build/Release/obj.target',
  'build/Release/.deps',
  'deps',
  'src',
])
  prune(join(sqlite, leftover))

// 2. the agent itself, with its version
copyBuilt(edge, out, ['bin', 'dist'])
writeFileSync(join(out, 'package.json'), `${JSON.stringify({ ...pkg, version }, null, 2)}\n`)

// 3. the face models the agent runs, checked: it never downloads them
const { DEFAULT_MODEL_SET } = await import(join(edge, 'dist/adapters/onnx/modelCache.js'))
const manifest = JSON.parse(readFileSync(join(edge, 'models/manifest.json'), 'utf8'))
const cache = process.env.EJIA_MODEL_CACHE ?? join(root, '.cache/ejia-models')
let models = 0
for (const [setName, set] of Object.entries(manifest.sets)) {
  if (setName !== DEFAULT_MODEL_SET) continue
  for (const [name, f] of Object.entries(set.files)) {
    const file = join(cache, setName, name)
    if (!existsSync(file)) fail(`model ${setName}/${name} is missing from ${cache} (npm run models)`)
    const sum = createHash('sha256').update(readFileSync(file)).digest('hex')
    if (sum !== f.sha256) fail(`model ${setName}/${name} does not match its pinned sha256`)
    const to = join(out, 'face-models', setName, name)
    mkdirSync(dirname(to), { recursive: true })
    cpSync(file, to)
    models++
  }
}

console.log(
  JSON.stringify({
    out,
    version,
    packages: tops.length - 1,
    workspaces,
    pruned,
    models,
    node: process.version,
    arch: `${process.platform}-${process.arch}`,
  }),
)

/** package.json, and of `dirs` (bin, dist) those that exist; refuses a package with no dist/. */
function copyBuilt(from, to, dirs = ['bin', 'dist']) {
  if (!existsSync(join(from, 'dist'))) fail(`${from} is not built (npm run build)`)
  mkdirSync(to, { recursive: true })
  cpSync(join(from, 'package.json'), join(to, 'package.json'))
  for (const d of dirs)
    if (existsSync(join(from, d))) cpSync(join(from, d), join(to, d), { recursive: true, dereference: true })
}

function prune(path) {
  if (!existsSync(path)) return
  rmSync(path, { recursive: true })
  pruned++
}

function fail(message) {
  console.error(`release-tree: ${message}`)
  process.exit(1)
}

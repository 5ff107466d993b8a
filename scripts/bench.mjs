#!/usr/bin/env node
// npm run bench -- NAME [ARGS]: runs bench/dist/<name>.js (kebab-case names: hub-ingest is
// bench/hubIngest.ts), after the build the npm script has done. Each prints one JSON object.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const dist = new URL('../bench/dist/', import.meta.url).pathname
const names = readdirSync(dist)
  .filter((f) => f.endsWith('.js'))
  .map((f) => f.slice(0, -3).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))
const [name, ...args] = process.argv.slice(2)
if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- NAME [ARGS]\n  NAME: ${names.join(', ')}`)
  process.exit(2)
}
const file = join(dist, `${name.replace(/-([a-z])/g, (_, c) => c.toUpperCase())}.js`)
if (!existsSync(file)) throw new Error(`${file} is missing: npm run build`)
const r = spawnSync(process.execPath, [file, ...args], { stdio: 'inherit' })
process.exit(r.status ?? 1)

#!/usr/bin/env node
// `--broker external` makes this process an ingest worker of a scaled-out hub (docs/SCALING.md)
const args = process.argv.slice(2)
const external = args.some(
  (a, i) => a === '--broker=external' || (a === '--broker' && args[i + 1] === 'external'),
)
await import(external ? '../dist/ingestCli.js' : '../dist/cli.js')

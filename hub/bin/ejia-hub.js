#!/usr/bin/env node
// `--broker external` or `--broker cluster` makes this process an ingest worker of a
// scaled-out hub (docs/SCALING.md); otherwise it is the hub with its embedded broker
const args = process.argv.slice(2)
const worker = ['external', 'cluster'].some((kind) =>
  args.some((a, i) => a === `--broker=${kind}` || (a === '--broker' && args[i + 1] === kind)),
)
await import(worker ? '../dist/ingestCli.js' : '../dist/cli.js')

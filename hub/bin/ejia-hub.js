#!/usr/bin/env node
// A process with --data is the hub (API, dashboard, fleet), on its embedded broker or, with
// --broker external, on the district's. One without --data, on --broker external or
// --broker cluster, is a stateless ingest worker of a hub scaled out (docs/SCALING.md).
const args = process.argv.slice(2)
const has = (name) => args.some((a) => a === name || a.startsWith(`${name}=`))
const broker = (kind) =>
  args.some((a, i) => a === `--broker=${kind}` || (a === '--broker' && args[i + 1] === kind))
const worker = broker('cluster') || (broker('external') && !has('--data'))
await import(worker ? '../dist/ingestCli.js' : '../dist/cli.js')

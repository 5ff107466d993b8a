#!/usr/bin/env node
// Writes the generated reference docs from the built code: docs/asyncapi.json (the MQTT
// contract, from protocol/) and docs/openapi.json (the hub API, from its route schemas).
// Run through `npm run docs`, which builds first. Tests fail when these files are stale.
import { writeFileSync } from 'node:fs'
import { buildOpenApiDocument } from '../hub/dist/index.js'
import { buildAsyncApiDocument } from '../protocol/dist/index.js'

const write = (name, doc) => {
  writeFileSync(new URL(`../docs/${name}`, import.meta.url), `${JSON.stringify(doc, null, 2)}\n`)
  console.log(`wrote docs/${name}`)
}
write('asyncapi.json', buildAsyncApiDocument())
write('openapi.json', await buildOpenApiDocument())

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { isPlainUrl } from '../hubTransport.js'
import { ConfigError } from '../load.js'
import { issueBundleTls } from '../pki/bundleTls.js'
import { loadCa } from '../pki/caFiles.js'
import { PkiError } from '../pki/certs.js'
import { provision } from '../provision/provision.js'
import { parseStationCsv } from '../provision/stationCsv.js'
import {
  REGISTRY_FILE,
  readExistingRevoked,
  readExistingSecrets,
  writeBundle,
} from '../provision/writeBundle.js'
import { runBrokerAcl } from './brokerAclCommand.js'
import { runCa } from './caCommands.js'
import { runDiff, runMigrate, runValidate } from './configCommands.js'
import { runRevoke } from './revokeCommand.js'
import { runSheet } from './sheetCommand.js'

/** An Ed25519 public key, base64url, as `ejia-release keygen` writes it. */
const RELEASE_KEY = /^[A-Za-z0-9_-]{43}$/

const USAGE = `usage:
  ejia-config provision --stations FILE.csv --out DIR [--district-name NAME] [--hub-url URL]
                        [--hub-http-url URL] [--ca CA_DIR --hub-host HOST...]
                        [--release-key KEY|FILE]
      Makes DIR/registry.json for the hub and DIR/stations/<id>.json (with credentials) per
      station. Re-running keeps the secrets (and certificates) already issued in DIR, and
      the stations revoked there. --hub-url is the broker, --hub-http-url the hub API the
      kiosks upload photos to. With --ca, each station also gets DIR/stations/<id>.crt and
      <id>.key (0600) from the district CA, and the hub DIR/hub/server.{crt,key} for every
      --hub-host (repeatable; default mqtts://<first host>:8883 as --hub-url).
      --release-key is the district's release public key (ejia-release keygen writes
      release-key.pub), written into every station config: kiosks take only agent
      upgrades it signed. Without --ca and with a plain URL (the default is
      mqtt://127.0.0.1:1883) it is a lab bundle: every station config gets
      hub.allowPlain: true, for a lab, a demo or a test only.
  ejia-config ca init --out CA_DIR [--name NAME]
  ejia-config ca import --out CA_DIR --cert FILE --key FILE
      Makes (EC P-256, 10 years) or takes in the district CA: CA_DIR/ca.crt and ca.key (0600).
  ejia-config revoke --bundle DIR --station ID [--station ID...] [--undo]
      Marks stations revoked (or not) in DIR/registry.json; a hub started on it refuses them.
      A running hub: POST /api/stations/:id/revoke.
  ejia-config sheet --bundle DIR --out sheet.html
      A printable A4 enrolment sheet: town, village, station id, contact and a QR code
      (station id, hub, CA fingerprint; no secret) per station.
  ejia-config broker-acl --bundle DIR --out DIR [--hub-username ejia-hub] [--share-group ejia-hub]
      For a hub scaled out on the district's Mosquitto (docs/SCALING.md): DIR/dynamic-security.json
      (each station not revoked, with its bundle secret hashed, its client id and its topics;
      the hub account on every station topic), DIR/hub.password (kept across runs) and
      DIR/mosquitto-ejia.conf.
  ejia-config validate FILE
      Checks a station config (of any format version) or a hub registry and explains every
      problem: the field, what is wrong, and what is allowed there.
  ejia-config diff A B
      Field-by-field differences between two station configs (both migrated first); secrets
      are masked. Exits 1 when they differ.
  ejia-config migrate FILE [--write]
      Brings a station config of an older format up to the current one and says what
      changed; --write writes it (atomically), keeping the original as FILE.bak.`

/** The release public key as given, or read from the file `ejia-release keygen` wrote. */
function readReleaseKey(arg: string): string {
  let key = arg.trim()
  if (!RELEASE_KEY.test(key)) {
    try {
      key = readFileSync(arg, 'utf8').trim()
    } catch (err) {
      fail(`--release-key ${arg}: neither a key nor a readable file (${(err as Error).message})`)
    }
  }
  if (!RELEASE_KEY.test(key))
    fail(`--release-key: ${arg} does not hold an Ed25519 public key (43 base64url characters)`)
  return key
}

function fail(message: string): never {
  console.error(message)
  process.exit(1)
}

async function runProvision(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      stations: { type: 'string' },
      out: { type: 'string' },
      'district-name': { type: 'string', default: '青山区' },
      'hub-url': { type: 'string' },
      'hub-http-url': { type: 'string' },
      ca: { type: 'string' },
      'hub-host': { type: 'string', multiple: true },
      'release-key': { type: 'string' },
    },
  })
  if (!values.stations || !values.out) fail(USAGE)
  const hubHosts = values['hub-host'] ?? []
  if (values.ca && hubHosts.length === 0) fail('--ca needs --hub-host: the names kiosks reach the hub by')
  const hubUrl = values['hub-url'] ?? (values.ca ? `mqtts://${hubHosts[0]}:8883` : 'mqtt://127.0.0.1:1883')
  if (values.ca) {
    const url = new URL(hubUrl)
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (!['mqtts:', 'ssl:'].includes(url.protocol)) fail(`--hub-url ${hubUrl}: with --ca it must be mqtts://`)
    if (!hubHosts.includes(host))
      fail(`--hub-url host ${host} is not among --hub-host ${hubHosts.join(', ')}`)
    const httpUrl = values['hub-http-url']
    if (httpUrl && isPlainUrl(httpUrl)) fail(`--hub-http-url ${httpUrl}: with --ca it must be https://`)
  }
  // without a CA the kiosks reach the hub in plain text: a lab bundle, and it says so (issue 10)
  const allowPlain = !values.ca && [hubUrl, values['hub-http-url'] ?? ''].some(isPlainUrl)
  let text: string
  try {
    text = readFileSync(values.stations, 'utf8')
  } catch (err) {
    fail(`cannot read ${values.stations}: ${(err as Error).message}`)
  }
  const csv = parseStationCsv(text)
  const result = provision(csv.rows, {
    districtName: values['district-name'],
    hubUrl,
    ...(values['hub-http-url'] ? { hubHttpUrl: values['hub-http-url'] } : {}),
    ...(allowPlain ? { allowPlain } : {}),
    existingSecrets: readExistingSecrets(values.out),
    ...(values['release-key'] ? { releaseKey: readReleaseKey(values['release-key']) } : {}),
  })
  const problems = [...csv.problems, ...result.problems]
  if (problems.length > 0) {
    fail(
      `${values.stations}: ${problems.length} problem(s), nothing written:\n${problems
        .map((p) => `  line ${p.line}: ${p.message}`)
        .join('\n')}`,
    )
  }
  // a station revoked in DIR stays revoked: re-provisioning must not let it back in
  const revoked = readExistingRevoked(values.out)
  for (const s of result.registry.stations) if (revoked.has(s.id)) s.revoked = true
  const tls = values.ca
    ? await issueBundleTls(values.out, loadCa(values.ca), result.registry, result.configs, hubHosts)
    : undefined
  writeBundle(values.out, result.registry, result.configs)
  if (allowPlain)
    console.error(
      'lab bundle: hub.allowPlain is true in every station config, so kiosks send their secrets without TLS; for a lab, a demo or a test only (a district provisions with --ca)',
    )
  console.log(
    JSON.stringify({
      registry: join(values.out, REGISTRY_FILE),
      district: result.registry.district,
      towns: result.registry.towns.length,
      stations: result.registry.stations.length,
      revoked: revoked.size,
      ...(tls ? { certificates: tls } : {}),
      ...(allowPlain ? { lab: true } : {}),
    }),
  )
}

const [command, ...rest] = process.argv.slice(2)
const usage = () => fail(USAGE)
const print = (line: string) => console.log(line)
try {
  if (command === 'provision') await runProvision(rest)
  else if (command === 'validate') runValidate(rest, print, usage)
  else if (command === 'diff') process.exitCode = runDiff(rest, print, usage)
  else if (command === 'migrate') runMigrate(rest, print, usage)
  else if (command === 'ca') await runCa(rest, usage)
  else if (command === 'revoke') runRevoke(rest, usage, fail)
  else if (command === 'sheet') await runSheet(rest, usage)
  else if (command === 'broker-acl') runBrokerAcl(rest, usage)
  else fail(USAGE)
} catch (err) {
  if (err instanceof ConfigError || err instanceof PkiError || err instanceof RangeError) fail(err.message)
  throw err
}

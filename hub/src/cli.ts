import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ConfigError, loadRegistry } from '@ejia/firmware-config'
import { createLogger, parsePort, stopOnSignals } from '@ejia/platform'
import { parseCount, parseInterval } from './backup/interval.js'
import { parseBrokerLimits } from './broker/brokerLimitsFile.js'
import { type HubOptions, startHub } from './main.js'
import { isPostgresUrl } from './storage/hubStores.js'

const USAGE = `usage: ejia-hub --data DIR --registry FILE
               --tls-cert FILE --tls-key FILE --tls-ca FILE [--mqtts-port 8883] [--https-port 8443]
               [--lab [--mqtt-port 1883] [--http-port 8080] [--secure-cookies]]
               [--host ADDR] [--http-host ADDR] [--metrics-public]
               [--backup-dir DIR [--backup-every 6h] [--backup-keep 28]] [--broker-limits FILE]
  --tls-cert/--tls-key/--tls-ca (PEM: the hub's server certificate and key and the district
  CA, the hub/ folder of \`ejia-config provision --ca\`): kiosks connect over mqtts on
  --mqtts-port with a certificate from that CA naming the station they log in as, and the
  API and dashboard are served over HTTPS on --https-port with the same server certificate
  (operators log in with their passwords; session cookies are Secure, answers carry HSTS).
  --lab: plain MQTT on --mqtt-port and HTTP on --http-port without TLS, for a lab or a demo
  only (beside mqtts and HTTPS when the TLS files are given too). The hub refuses to start
  with neither.
  --host is where the MQTT broker listens (default 0.0.0.0: kiosks must reach it);
  --http-host where the API and dashboard listen (default 127.0.0.1: the machine itself, or
  a reverse proxy; 0.0.0.0 for the control centres to reach the hub's HTTPS directly).
  --secure-cookies marks cookies Secure on plain HTTP too (a lab hub behind an HTTPS proxy).
  A new hub makes the operator admin, its password in DIR/initial-admin-password.
  GET /metrics (Prometheus) needs a district operator's API token, unless --metrics-public.
  --backup-dir makes an online backup of hub.db (and copies new photos) every
  --backup-every (default 6h), keeping the newest --backup-keep (default 28, a week);
  restore with ejia-backup. Without it the hub makes no backups.
  --broker-limits FILE (JSON): the embedded broker's per-station rates, any of logins,
  failedLogins, publishes, publishBytes as {"burst": n, "perSecond": n}; the rest keep their
  defaults (docs/RELIABILITY.md, "Broker limits").
  Port 0 picks a free port. Prints the bound ports as one JSON line once listening
  ({"mqttPort","mqttsPort","httpPort","httpsPort"}; 0 or null for a listener that is off).
  --store postgres://user@host/db keeps the hub's data in PostgreSQL instead of DIR/hub.db
  (photos and the lock stay in DIR; back it up with pg_dump, not --backup-dir).
  --broker external --mqtt-url URL [--mqtt-username NAME --mqtt-password-file FILE]: the
  district's MQTT 5 broker instead of the embedded one; the hub takes its share of events
  with the ingest workers, and station logins and ACLs are the broker's (ejia-config
  broker-acl). Without --data, --broker external or cluster starts an ingest worker
  (ejia-hub --broker external alone says how; docs/SCALING.md).`

/** Without TLS files and without --lab: what to do, in one line (issue 10). */
const NEEDS_TLS =
  'ejia-hub: no TLS files: give --tls-cert, --tls-key and --tls-ca (the hub/ folder of `ejia-config provision --ca`), or --lab for plain MQTT and HTTP in a lab or a demo'

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    registry: { type: 'string' },
    'mqtt-port': { type: 'string', default: '1883' },
    'http-port': { type: 'string', default: '8080' },
    host: { type: 'string', default: '0.0.0.0' },
    'http-host': { type: 'string', default: '127.0.0.1' },
    'secure-cookies': { type: 'boolean', default: false },
    'metrics-public': { type: 'boolean', default: false },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'tls-ca': { type: 'string' },
    'mqtts-port': { type: 'string', default: '8883' },
    'https-port': { type: 'string', default: '8443' },
    lab: { type: 'boolean', default: false },
    'backup-dir': { type: 'string' },
    'backup-every': { type: 'string', default: '6h' },
    'backup-keep': { type: 'string', default: '28' },
    broker: { type: 'string', default: 'embedded' },
    'mqtt-url': { type: 'string' },
    'mqtt-username': { type: 'string' },
    'mqtt-password-file': { type: 'string' },
    store: { type: 'string' },
    'broker-limits': { type: 'string' },
  },
})
if (!values.data || !values.registry || !['embedded', 'external'].includes(values.broker)) {
  console.error(USAGE)
  process.exit(2)
}

let registry: ReturnType<typeof loadRegistry>
let mqttPort: number
let httpPort: number
let tls: HubOptions['tls']
let backup: HubOptions['backup']
let externalBroker: HubOptions['externalBroker']
let brokerLimits: HubOptions['brokerLimits']
try {
  if (values.broker === 'external') {
    if (!values['mqtt-url']) throw new RangeError('--broker external needs --mqtt-url')
    const password =
      values['mqtt-password-file'] !== undefined
        ? readFileSync(values['mqtt-password-file'], 'utf8').trim()
        : process.env.EJIA_MQTT_PASSWORD
    externalBroker = {
      url: values['mqtt-url'],
      ...(values['mqtt-username'] ? { username: values['mqtt-username'] } : {}),
      ...(password ? { password } : {}),
    }
  }
  if (values.store !== undefined && !isPostgresUrl(values.store))
    throw new RangeError(`--store ${values.store}: a postgres:// URL (without it, the hub keeps DIR/hub.db)`)
  mqttPort = parsePort('mqtt-port', values['mqtt-port'])
  httpPort = parsePort('http-port', values['http-port'])
  registry = loadRegistry(values.registry)
  const tlsFiles = [values['tls-cert'], values['tls-key'], values['tls-ca']]
  if (tlsFiles.some((f) => f !== undefined)) {
    const [cert, key, ca] = tlsFiles
    if (!cert || !key || !ca) throw new RangeError('--tls-cert, --tls-key and --tls-ca go together')
    tls = {
      cert: readFileSync(cert),
      key: readFileSync(key),
      ca: readFileSync(ca),
      mqttsPort: parsePort('mqtts-port', values['mqtts-port']),
      httpsPort: parsePort('https-port', values['https-port']),
    }
  } else if (!values.lab) throw new RangeError(NEEDS_TLS)
  if (values['broker-limits'] !== undefined)
    brokerLimits = parseBrokerLimits(readFileSync(values['broker-limits'], 'utf8'), values['broker-limits'])
  if (values['backup-dir'])
    backup = {
      backupDir: values['backup-dir'],
      everyMs: parseInterval('backup-every', values['backup-every']),
      keep: parseCount('backup-keep', values['backup-keep']),
    }
} catch (err) {
  console.error(err instanceof ConfigError || err instanceof RangeError ? err.message : err)
  process.exit(2)
}

const log = createLogger()
const hub = await startHub({
  dataDir: values.data,
  registry,
  mqttHost: values.host,
  mqttPort,
  httpHost: values['http-host'],
  secureCookies: values['secure-cookies'],
  metricsPublic: values['metrics-public'],
  httpPort,
  log,
  ...(backup ? { backup } : {}),
  ...(externalBroker ? { externalBroker } : {}),
  ...(values.store ? { store: values.store } : {}),
  ...(tls ? { tls } : {}),
  ...(brokerLimits ? { brokerLimits } : {}),
  lab: values.lab,
}).catch((err: unknown) => {
  // e.g. a port already taken, or a ledger from a newer version: say so and stop
  log.fatal({ err }, 'hub could not start')
  console.error(`ejia-hub could not start: ${(err as Error).message}`)
  process.exit(1)
})
// the stop handler before the ready line: a supervisor may send SIGTERM as soon as it reads it
stopOnSignals(() => hub.stop(), log)
console.log(
  JSON.stringify({
    mqttPort: hub.mqttPort,
    mqttsPort: hub.mqttsPort,
    httpPort: hub.httpPort,
    httpsPort: hub.httpsPort,
  }),
)

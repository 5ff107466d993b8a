import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { MOSQUITTO_EJIA_SETTINGS, mosquittoDynsec } from '../broker/mosquittoDynsec.js'
import { loadRegistry } from '../load.js'
import { writeFileAtomic } from '../pki/caFiles.js'
import { newStationSecret } from '../provision/provision.js'
import { REGISTRY_FILE, readExistingSecrets } from '../provision/writeBundle.js'

export const DYNSEC_FILE = 'dynamic-security.json'
export const HUB_PASSWORD_FILE = 'hub.password'

/**
 * `ejia-config broker-acl --bundle DIR --out DIR`: the district's Mosquitto, for a hub
 * scaled out on it (docs/SCALING.md, "Broker ACLs"). Writes the dynamic-security plugin's
 * config (stations and their ACLs from the registry, secrets from the bundle, PBKDF2-hashed),
 * the hub's broker password (kept across runs) and a mosquitto.conf snippet.
 */
export function runBrokerAcl(argv: string[], usage: () => never): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      bundle: { type: 'string' },
      out: { type: 'string' },
      'hub-username': { type: 'string', default: 'ejia-hub' },
      'share-group': { type: 'string', default: 'ejia-hub' },
      format: { type: 'string', default: 'mosquitto-dynsec' },
    },
  })
  if (!values.bundle || !values.out) usage()
  if (values.format !== 'mosquitto-dynsec')
    throw new RangeError(
      `--format ${values.format}: only mosquitto-dynsec is written (EMQX: docs/SCALING.md)`,
    )
  const registry = loadRegistry(join(values.bundle, REGISTRY_FILE))
  mkdirSync(values.out, { recursive: true })
  const passwordFile = join(values.out, HUB_PASSWORD_FILE)
  // the workers already run with it: a re-run (a station added) must not lock them out
  const password = existsSync(passwordFile) ? readFileSync(passwordFile, 'utf8').trim() : newStationSecret()
  const config = mosquittoDynsec(registry, readExistingSecrets(values.bundle), {
    username: values['hub-username'],
    password,
    shareGroup: values['share-group'],
  })
  writeFileAtomic(passwordFile, `${password}\n`, 0o600)
  writeFileAtomic(join(values.out, DYNSEC_FILE), `${JSON.stringify(config, null, 2)}\n`, 0o600)
  writeFileAtomic(
    join(values.out, 'mosquitto-ejia.conf'),
    [
      '# ejia stations and hub on this broker (ejia-config broker-acl). Copy dynamic-security.json',
      '# where the mosquitto user can write it, and point plugin_opt_config_file at it.',
      'per_listener_settings false',
      'allow_anonymous false',
      'plugin /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so',
      `plugin_opt_config_file /var/lib/mosquitto/${DYNSEC_FILE}`,
      ...MOSQUITTO_EJIA_SETTINGS,
      '',
    ].join('\n'),
    0o644,
  )
  console.log(
    JSON.stringify({
      out: values.out,
      stations: config.clients.length - 1,
      revoked: registry.stations.filter((s) => s.revoked === true).map((s) => s.id),
      hubUsername: values['hub-username'],
      hubPasswordFile: passwordFile,
    }),
  )
}

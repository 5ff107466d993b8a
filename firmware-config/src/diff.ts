/** Fields whose values are secrets: a diff says they changed, never what to. */
const SECRET_FIELDS = new Set(['password', 'templateKey', 'secret', 'secretSha256'])

export interface ConfigChange {
  /** The field, as a person reads it: `uplink.heartbeatIntervalS`, `devices[1]`. */
  field: string
  kind: 'changed' | 'added' | 'removed'
  /** One line in plain words: "uplink.heartbeatIntervalS: 30 → 60". */
  text: string
}

/**
 * Field-by-field differences between two station configs (both already migrated and with
 * defaults filled, so a default written out and one left implicit are the same). Devices
 * are matched by name, so a device moved in the list is not reported; secrets are masked.
 */
export function diffConfigs(a: unknown, b: unknown): ConfigChange[] {
  const out: ConfigChange[] = []
  walk(a, b, '', false, out)
  return out
}

function walk(a: unknown, b: unknown, field: string, secret: boolean, out: ConfigChange[]): void {
  if (field === 'devices' && Array.isArray(a) && Array.isArray(b)) return devices(a, b, out)
  if (isObject(a) && isObject(b)) {
    for (const key of union(Object.keys(a), Object.keys(b))) {
      const sub = field === '' ? key : `${field}.${key}`
      const hidden = secret || SECRET_FIELDS.has(key)
      if (!(key in b))
        out.push({ field: sub, kind: 'removed', text: `${sub}: ${show(a[key], hidden)} removed` })
      else if (!(key in a))
        out.push({ field: sub, kind: 'added', text: `${sub}: added, ${show(b[key], hidden)}` })
      else walk(a[key], b[key], sub, hidden, out)
    }
    return
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return
  const text = secret
    ? `${field}: changed (secret, not shown)`
    : `${field}: ${show(a, false)} → ${show(b, false)}`
  out.push({ field, kind: 'changed', text })
}

interface Device {
  name?: unknown
  profile?: unknown
  port?: unknown
}

function devices(a: Device[], b: Device[], out: ConfigChange[]): void {
  const label = (d: Device) => `${String(d.profile)}, ${String(d.port)}`
  const byName = (list: Device[], name: unknown) => list.findIndex((d) => d.name === name)
  a.forEach((d, i) => {
    const j = byName(b, d.name)
    const field = `devices[${i}]`
    if (j < 0) out.push({ field, kind: 'removed', text: `${field} (${String(d.name)}: ${label(d)}) removed` })
    else walk(d, b[j], `devices[${i}] (${String(d.name)})`, false, out)
  })
  b.forEach((d, j) => {
    if (byName(a, d.name) >= 0) return
    const field = `devices[${j}]`
    out.push({ field, kind: 'added', text: `${field} (${String(d.name)}: ${label(d)}) added` })
  })
}

function show(v: unknown, secret: boolean): string {
  if (secret) return '(secret, not shown)'
  if (isObject(v) || Array.isArray(v)) return maskSecrets(v)
  return JSON.stringify(v)
}

function maskSecrets(v: unknown): string {
  return JSON.stringify(v, (k, x) => (SECRET_FIELDS.has(k) ? '***' : x))
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])]
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * The push form's model: the common remote settings as form fields, the rest (the device list,
 * the finer uplink and face knobs) as JSON. The bounds mirror RemoteSettings
 * (firmware-config/src/schema/remoteSettings.ts), so an obvious slip is caught before the hub
 * is asked; the hub checks everything again (400 badSettings), and the kiosk checks what only
 * it can (a serial port that is not there). test/ui/dashboardConfig.test.ts holds these
 * bounds against the schema.
 */

export type FieldKind = 'number' | 'integer' | 'boolean' | 'enum'

export interface FormField {
  /** Section and field, as in the settings: `uplink.heartbeatIntervalS`. */
  key: string
  kind: FieldKind
  min?: number
  /** The value must be above this (exclusive). */
  above?: number
  max?: number
  options?: readonly string[]
}

export const FORM_FIELDS: readonly FormField[] = [
  { key: 'uplink.heartbeatIntervalS', kind: 'number', min: 1, max: 3600 },
  { key: 'uplink.batchMaxEvents', kind: 'integer', min: 1, max: 500 },
  { key: 'journal.retentionDays', kind: 'number', min: 1, max: 3650 },
  { key: 'photos.retentionDays', kind: 'number', min: 1, max: 3650 },
  { key: 'face.enabled', kind: 'boolean' },
  { key: 'face.securityLevel', kind: 'integer', min: 1, max: 5 },
  { key: 'camera.type', kind: 'enum', options: ['none', 'push', 'folder'] },
  { key: 'camera.fps', kind: 'number', above: 0, max: 30 },
]

/** The sections a push may carry (RemoteSettings). */
export const SECTIONS = ['uplink', 'journal', 'photos', 'face', 'camera', 'devices'] as const

/** Form values by field key; '' is "not set" (the kiosk's own file decides). */
export type FormValues = Record<string, string>

export type ProblemCode =
  | 'json'
  | 'notObject'
  | 'unknownSection'
  | 'sectionNotObject'
  | 'devicesNotList'
  | 'deviceShape'
  | 'notNumber'
  | 'notInteger'
  | 'range'
  | 'empty'

/** A problem found before pushing, with its path into the settings as the hub would give it. */
export interface ClientProblem {
  path: string
  code: ProblemCode
  field?: FormField
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const split = (key: string) => key.split('.') as [string, string]

/** Settings as the form shows them: the form fields taken out, the rest left as JSON. */
export function splitSettings(settings: Record<string, unknown> | null): { form: FormValues; rest: string } {
  const rest = structuredClone(settings ?? {}) as Record<string, unknown>
  const form: FormValues = {}
  for (const f of FORM_FIELDS) {
    const [section, name] = split(f.key)
    const s = rest[section]
    form[f.key] = ''
    if (!isObject(s) || !(name in s)) continue
    form[f.key] = String(s[name])
    delete s[name]
    if (Object.keys(s).length === 0) delete rest[section]
  }
  return { form, rest: Object.keys(rest).length === 0 ? '' : JSON.stringify(rest, null, 2) }
}

/** The settings to push from the form and the JSON, or every problem found in them. */
export function buildSettings(
  form: FormValues,
  restText: string,
): { ok: true; settings: Record<string, unknown> } | { ok: false; problems: ClientProblem[] } {
  const problems: ClientProblem[] = []
  let rest: unknown = {}
  if (restText.trim() !== '') {
    try {
      rest = JSON.parse(restText)
    } catch {
      return { ok: false, problems: [{ path: '', code: 'json' }] }
    }
  }
  if (!isObject(rest)) return { ok: false, problems: [{ path: '', code: 'notObject' }] }
  for (const [section, value] of Object.entries(rest)) {
    if (!(SECTIONS as readonly string[]).includes(section))
      problems.push({ path: `/${section}`, code: 'unknownSection' })
    else if (section === 'devices') problems.push(...checkDevices(value))
    else if (!isObject(value)) problems.push({ path: `/${section}`, code: 'sectionNotObject' })
  }
  const settings = structuredClone(rest)
  for (const f of FORM_FIELDS) {
    const raw = (form[f.key] ?? '').trim()
    if (raw === '') continue
    const [section, name] = split(f.key)
    const parsed = parseField(f, raw)
    if ('code' in parsed) {
      problems.push({ path: `/${section}/${name}`, code: parsed.code, field: f })
      continue
    }
    const s = isObject(settings[section]) ? (settings[section] as Record<string, unknown>) : {}
    s[name] = parsed.value
    settings[section] = s
  }
  if (problems.length > 0) return { ok: false, problems }
  return { ok: true, settings }
}

function parseField(f: FormField, raw: string): { value: unknown } | { code: ProblemCode } {
  if (f.kind === 'boolean') return { value: raw === 'true' }
  if (f.kind === 'enum') return { value: raw }
  const n = Number(raw)
  if (!Number.isFinite(n)) return { code: 'notNumber' }
  if (f.kind === 'integer' && !Number.isInteger(n)) return { code: 'notInteger' }
  const low = (f.min !== undefined && n < f.min) || (f.above !== undefined && n <= f.above)
  if (low || (f.max !== undefined && n > f.max)) return { code: 'range' }
  return { value: n }
}

/** The device list's outline: objects with a name, a profile and a port (the hub checks the rest). */
function checkDevices(value: unknown): ClientProblem[] {
  if (!Array.isArray(value)) return [{ path: '/devices', code: 'devicesNotList' }]
  const problems: ClientProblem[] = []
  for (const [i, d] of value.entries()) {
    if (!isObject(d)) {
      problems.push({ path: `/devices/${i}`, code: 'deviceShape' })
      continue
    }
    for (const key of ['name', 'profile', 'port'])
      if (typeof d[key] !== 'string' || d[key] === '')
        problems.push({ path: `/devices/${i}/${key}`, code: 'empty' })
  }
  return problems
}

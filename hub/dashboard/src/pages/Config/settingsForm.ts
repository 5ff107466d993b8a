import type { ActivityKind } from '@ejia/protocol'

/**
 * The push form's model: the common remote settings as form fields, the rest (the device list,
 * the finer uplink and face knobs) as JSON. The bounds mirror RemoteSettings
 * (firmware-config/src/schema/remoteSettings.ts, its fields defined in stationConfig.ts and
 * operations.ts), so an obvious slip is caught before the hub is asked; the hub checks
 * everything again (400 badSettings), and the kiosk checks what only it can (a serial port
 * that is not there). settingsForm.test.ts holds these bounds and sections against the schema.
 */

export type FieldKind = 'number' | 'integer' | 'boolean' | 'enum'

export interface FormField {
  /** Its path in the settings, dot-separated: `uplink.heartbeatIntervalS`, `activity.defaultHours.study`. */
  key: string
  kind: FieldKind
  min?: number
  /** The value must be above this (exclusive). */
  above?: number
  max?: number
  options?: readonly string[]
  /** The heading the form puts it under, when not the object holding it (fieldGroups). */
  group?: string
}

/** Hours credited for an activity of a kind when its plan gives none (operations.ts, `defaultHours`). */
const hours = (kind: ActivityKind): FormField => ({
  key: `activity.defaultHours.${kind}`,
  kind: 'number',
  min: 0.5,
  max: 12,
})

export const FORM_FIELDS: readonly FormField[] = [
  { key: 'uplink.heartbeatIntervalS', kind: 'number', min: 1, max: 3600 },
  { key: 'uplink.batchMaxEvents', kind: 'integer', min: 1, max: 500 },
  { key: 'journal.retentionDays', kind: 'number', min: 1, max: 3650, group: 'storage' },
  { key: 'photos.retentionDays', kind: 'number', min: 1, max: 3650, group: 'storage' },
  { key: 'face.enabled', kind: 'boolean' },
  { key: 'face.securityLevel', kind: 'integer', min: 1, max: 5 },
  { key: 'face.retentionDays', kind: 'integer', min: 30, max: 1825 },
  { key: 'camera.type', kind: 'enum', options: ['none', 'push', 'folder'] },
  { key: 'camera.fps', kind: 'number', above: 0, max: 30 },
  { key: 'duty.graceLateMin', kind: 'integer', min: 0, max: 120 },
  { key: 'duty.graceEarlyMin', kind: 'integer', min: 0, max: 120 },
  { key: 'duty.duplicateWithinMin', kind: 'integer', min: 0, max: 60 },
  { key: 'activity.themeDayOfMonth', kind: 'integer', min: 1, max: 28 },
  hours('themeDay'),
  hours('branchAssembly'),
  hours('committeeMeeting'),
  hours('groupMeeting'),
  hours('partyLecture'),
  hours('study'),
  hours('other'),
  { key: 'ui.idleTimeoutS', kind: 'integer', min: 5, max: 600 },
  { key: 'ui.resultTimeoutS', kind: 'integer', min: 2, max: 120 },
  { key: 'ui.voice', kind: 'boolean' },
  { key: 'ui.sound', kind: 'boolean' },
  { key: 'ui.language', kind: 'enum', options: ['zh-CN'] },
]

/** The sections a push may carry (RemoteSettings). */
export const SECTIONS = [
  'uplink',
  'journal',
  'photos',
  'face',
  'camera',
  'devices',
  'duty',
  'activity',
  'ui',
] as const

/**
 * The form's fields in groups, in order, so the form can put each under its own heading: by
 * the object holding them (`uplink`, `activity.defaultHours`) unless a field names its group.
 */
export function fieldGroups(): { group: string; fields: FormField[] }[] {
  const groups = new Map<string, FormField[]>()
  for (const f of FORM_FIELDS) {
    const group = f.group ?? f.key.slice(0, f.key.lastIndexOf('.'))
    groups.set(group, [...(groups.get(group) ?? []), f])
  }
  return [...groups].map(([group, fields]) => ({ group, fields }))
}

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
const pathOf = (key: string) => key.split('.')

/** The object at `path` under `root`, made where missing; null when something else is in the way. */
function objectAt(root: Record<string, unknown>, path: readonly string[]): Record<string, unknown> | null {
  let at = root
  for (const name of path) {
    const next = name in at ? at[name] : {}
    if (!isObject(next)) return null
    at[name] = next
    at = next
  }
  return at
}

/** Settings as the form shows them: the form fields taken out, the rest left as JSON. */
export function splitSettings(settings: Record<string, unknown> | null): { form: FormValues; rest: string } {
  const rest = structuredClone(settings ?? {}) as Record<string, unknown>
  const form: FormValues = {}
  for (const f of FORM_FIELDS) {
    const value = takeAt(rest, pathOf(f.key))
    form[f.key] = value === undefined ? '' : String(value)
  }
  return { form, rest: Object.keys(rest).length === 0 ? '' : JSON.stringify(rest, null, 2) }
}

/** Takes the value at `path` out of `obj`, dropping the objects it leaves empty; undefined when it is not there. */
function takeAt(obj: Record<string, unknown>, path: readonly string[]): unknown {
  const [name, ...deeper] = path as [string, ...string[]]
  if (!(name in obj)) return undefined
  const value = obj[name]
  if (deeper.length === 0) {
    delete obj[name]
    return value
  }
  if (!isObject(value)) return undefined
  const taken = takeAt(value, deeper)
  if (Object.keys(value).length === 0) delete obj[name]
  return taken
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
    const path = pathOf(f.key)
    const parsed = parseField(f, raw)
    if ('code' in parsed) {
      problems.push({ path: `/${path.join('/')}`, code: parsed.code, field: f })
      continue
    }
    const name = path.pop() as string
    const holder = objectAt(settings, path)
    if (holder) {
      holder[name] = parsed.value
      continue
    }
    // the JSON has something else where the field's object goes (`"activity": {"defaultHours": 2}`),
    // said once, unless the section itself was found so above
    const at = `/${path.join('/')}`
    if (
      !problems.some((p) => p.code === 'sectionNotObject' && (at === p.path || at.startsWith(`${p.path}/`)))
    )
      problems.push({ path: at, code: 'sectionNotObject' })
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

import { REMOTE_SECTIONS, RemoteSettings } from '@ejia/firmware-config'
import { describe, expect, it } from 'vitest'
import { zh } from '../../strings/index.js'
import {
  buildSettings,
  FORM_FIELDS,
  type FormValues,
  fieldGroups,
  SECTIONS,
  splitSettings,
} from './settingsForm.js'

/** A form with only these fields set, every other one left empty, as the page starts it. */
const formWith = (set: Record<string, string>): FormValues => ({
  ...Object.fromEntries(FORM_FIELDS.map((f) => [f.key, ''])),
  ...set,
})

/** The schema of a field of RemoteSettings, down its path (`activity.defaultHours.study`). */
function schemaOf(key: string): Record<string, any> | undefined {
  let at: Record<string, any> | undefined = RemoteSettings
  for (const name of key.split('.')) at = at?.properties?.[name]
  return at
}

describe('the push form’s fields', () => {
  it('keep the kinds and bounds of RemoteSettings', () => {
    for (const f of FORM_FIELDS) {
      const schema = schemaOf(f.key)
      expect(schema, f.key).toBeDefined()
      if (f.kind === 'enum') expect(f.options, f.key).toEqual(schema?.enum)
      else if (f.kind === 'boolean') expect(schema?.type, f.key).toBe('boolean')
      else {
        expect(schema?.type, f.key).toBe(f.kind)
        expect([f.min, f.above, f.max], f.key).toEqual([
          schema?.minimum,
          schema?.exclusiveMinimum,
          schema?.maximum,
        ])
      }
    }
    expect([...SECTIONS]).toEqual(REMOTE_SECTIONS)
  })

  it('cover the duty, activity (every kind’s hours) and kiosk screen sections', () => {
    const keys = FORM_FIELDS.map((f) => f.key)
    for (const section of ['duty', 'activity', 'ui'] as const) {
      const names = Object.keys(schemaOf(section)?.properties ?? {}).filter((n) => n !== 'defaultHours')
      expect(names.length, section).toBeGreaterThan(0)
      for (const name of names) expect(keys, section).toContain(`${section}.${name}`)
    }
    const kinds = Object.keys(schemaOf('activity.defaultHours')?.properties ?? {})
    expect(kinds).toHaveLength(7)
    for (const kind of kinds) expect(keys).toContain(`activity.defaultHours.${kind}`)
  })

  it('have a Chinese label, a heading and a word for every choice', () => {
    const groups = fieldGroups()
    expect(groups.flatMap((g) => g.fields.map((f) => f.key))).toEqual(FORM_FIELDS.map((f) => f.key))
    expect(groups.map((g) => g.group)).toEqual([
      'uplink',
      'storage',
      'face',
      'camera',
      'duty',
      'activity',
      'activity.defaultHours',
      'ui',
    ])
    for (const g of groups) expect(zh.config.push.groups[g.group], g.group).toMatch(/\p{Script=Han}/u)
    for (const f of FORM_FIELDS) {
      expect(zh.config.push.fields[f.key], f.key).toMatch(/\p{Script=Han}/u)
      for (const o of f.options ?? [])
        expect(zh.config.push.options[f.key]?.[o], `${f.key} ${o}`).toBeDefined()
    }
  })
})

describe('buildSettings', () => {
  it('sends only the fields set, nested as in the settings', () => {
    expect(buildSettings(formWith({}), '')).toEqual({ ok: true, settings: {} })
    expect(
      buildSettings(
        formWith({
          'duty.graceLateMin': '10',
          'activity.defaultHours.study': ' 1.5 ',
          'ui.idleTimeoutS': '60',
          'ui.voice': 'false',
          'ui.language': 'zh-CN',
        }),
        '',
      ),
    ).toEqual({
      ok: true,
      settings: {
        duty: { graceLateMin: 10 },
        activity: { defaultHours: { study: 1.5 } },
        ui: { idleTimeoutS: 60, voice: false, language: 'zh-CN' },
      },
    })
  })

  it('puts the fields beside what the JSON has in the same sections', () => {
    const rest = JSON.stringify({
      uplink: { ackTimeoutS: 5 },
      activity: { defaultHours: { other: 2 } },
      duty: { graceEarlyMin: 0 },
    })
    const built = buildSettings(
      formWith({
        'uplink.heartbeatIntervalS': '2',
        'activity.themeDayOfMonth': '20',
        'activity.defaultHours.themeDay': '3',
        'duty.duplicateWithinMin': '0',
      }),
      rest,
    )
    expect(built).toEqual({
      ok: true,
      settings: {
        uplink: { ackTimeoutS: 5, heartbeatIntervalS: 2 },
        activity: { themeDayOfMonth: 20, defaultHours: { other: 2, themeDay: 3 } },
        duty: { graceEarlyMin: 0, duplicateWithinMin: 0 },
      },
    })
  })

  it('finds every value out of bounds before anything is sent, with its path and field', () => {
    const built = buildSettings(
      formWith({
        'duty.graceLateMin': '121',
        'duty.duplicateWithinMin': '-1',
        'activity.themeDayOfMonth': '29',
        'activity.defaultHours.partyLecture': '0.25',
        'ui.idleTimeoutS': '4',
        'ui.resultTimeoutS': '7.5',
        'duty.graceEarlyMin': '5',
      }),
      '',
    )
    expect(built.ok).toBe(false)
    if (built.ok) return
    expect(built.problems.map((p) => [p.path, p.code, p.field?.key])).toEqual([
      ['/duty/graceLateMin', 'range', 'duty.graceLateMin'],
      ['/duty/duplicateWithinMin', 'range', 'duty.duplicateWithinMin'],
      ['/activity/themeDayOfMonth', 'range', 'activity.themeDayOfMonth'],
      ['/activity/defaultHours/partyLecture', 'range', 'activity.defaultHours.partyLecture'],
      ['/ui/idleTimeoutS', 'range', 'ui.idleTimeoutS'],
      ['/ui/resultTimeoutS', 'notInteger', 'ui.resultTimeoutS'],
    ])
  })

  it('takes the bounds themselves', () => {
    const built = buildSettings(
      formWith({
        'duty.graceLateMin': '0',
        'duty.graceEarlyMin': '120',
        'activity.themeDayOfMonth': '28',
        'activity.defaultHours.branchAssembly': '0.5',
        'activity.defaultHours.committeeMeeting': '12',
        'ui.idleTimeoutS': '5',
        'ui.resultTimeoutS': '120',
      }),
      '',
    )
    expect(built).toEqual({
      ok: true,
      settings: {
        duty: { graceLateMin: 0, graceEarlyMin: 120 },
        activity: { themeDayOfMonth: 28, defaultHours: { branchAssembly: 0.5, committeeMeeting: 12 } },
        ui: { idleTimeoutS: 5, resultTimeoutS: 120 },
      },
    })
  })

  it('says once where the JSON has something other than an object where a field goes', () => {
    const hours = formWith({ 'activity.defaultHours.study': '1', 'activity.defaultHours.other': '1' })
    const nested = buildSettings(hours, '{"activity": {"defaultHours": 2}}')
    expect(nested).toEqual({
      ok: false,
      problems: [{ path: '/activity/defaultHours', code: 'sectionNotObject' }],
    })
    const section = buildSettings(formWith({ 'ui.voice': 'true', 'ui.sound': 'true' }), '{"ui": 3}')
    expect(section).toEqual({ ok: false, problems: [{ path: '/ui', code: 'sectionNotObject' }] })
    const nulled = buildSettings(hours, '{"activity": {"defaultHours": null}}')
    expect(nulled.ok).toBe(false)
  })

  it('takes duty, activity and ui in the JSON, and refuses a section no push may carry', () => {
    expect(buildSettings(formWith({}), '{"duty": {}, "activity": {}, "ui": {}}').ok).toBe(true)
    expect(buildSettings(formWith({}), '{"hub": {"mqttUrl": "mqtt://elsewhere"}}')).toEqual({
      ok: false,
      problems: [{ path: '/hub', code: 'unknownSection' }],
    })
    // nor may a push let a kiosk speak plain MQTT (issue 10)
    expect(buildSettings(formWith({}), '{"hub": {"allowPlain": true}}')).toEqual({
      ok: false,
      problems: [{ path: '/hub', code: 'unknownSection' }],
    })
  })
})

describe('splitSettings', () => {
  const pushed = {
    uplink: { heartbeatIntervalS: 2, ackTimeoutS: 5 },
    duty: { graceLateMin: 10 },
    activity: { themeDayOfMonth: 20, defaultHours: { study: 1.5 } },
    ui: { voice: false, language: 'zh-CN' },
    devices: [{ name: 'card', profile: 'rdm6300', port: '/dev/ttyUSB0' }],
  }

  it('fills the fields from pushed settings and leaves only the rest as JSON', () => {
    const { form, rest } = splitSettings(pushed)
    expect(Object.fromEntries(Object.entries(form).filter(([, v]) => v !== ''))).toEqual({
      'uplink.heartbeatIntervalS': '2',
      'duty.graceLateMin': '10',
      'activity.themeDayOfMonth': '20',
      'activity.defaultHours.study': '1.5',
      'ui.voice': 'false',
      'ui.language': 'zh-CN',
    })
    expect(Object.keys(form)).toEqual(FORM_FIELDS.map((f) => f.key))
    // the sections the fields emptied are gone, not left as {}
    expect(JSON.parse(rest)).toEqual({ uplink: { ackTimeoutS: 5 }, devices: pushed.devices })
    expect(pushed.duty).toEqual({ graceLateMin: 10 })
  })

  it('gives back what was pushed when the form is pushed unchanged', () => {
    const { form, rest } = splitSettings(pushed)
    expect(buildSettings(form, rest)).toEqual({ ok: true, settings: pushed })
    expect(splitSettings(null)).toEqual({ form: formWith({}), rest: '' })
  })

  it('leaves in the JSON a field whose object is something else', () => {
    const { form, rest } = splitSettings({ activity: { defaultHours: 2, themeDayOfMonth: 3 } })
    expect(form['activity.themeDayOfMonth']).toBe('3')
    expect(form['activity.defaultHours.study']).toBe('')
    expect(JSON.parse(rest)).toEqual({ activity: { defaultHours: 2 } })
  })
})

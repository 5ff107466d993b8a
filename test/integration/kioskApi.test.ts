import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type EdgeHandle, startEdge } from '@ejia/edge'
import { enrolmentText } from '@ejia/firmware-config'
import { isoWeekday, localDate } from '@ejia/protocol'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub, type TestHub } from '../helpers/hub.js'
import { listenSse } from '../helpers/sse.js'
import { until } from '../helpers/wait.js'

const log = pino({ level: 'silent' })

/**
 * The kiosk UI's API on a real kiosk with a real hub: the day's activity and rota synced
 * from the hub, who is on duty from the kiosk's journal, one stream of sign-ins, duty punches
 * told late or early, lookup without a record, and a cadre's PIN check.
 */
describe('the kiosk UI API', () => {
  const district = makeDistrict(1)
  const station = district.configs[0]!.station.id
  const now = Date.now()
  const today = localDate(now)
  // a shift that began 20 minutes ago (not before midnight), till the end of the day
  const startAt = Math.max(now - 20 * 60_000, Date.parse(`${today}T00:00:00+08:00`))
  const start = new Date(startAt + 8 * 3600_000).toISOString().slice(11, 16)
  let hub: TestHub
  let edge: EdgeHandle
  let local: string
  const call = async (method: string, url: string, body?: unknown, auth = {}) => {
    const res = await fetch(url, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: res.status, body: (await res.json()) as Record<string, any> }
  }

  beforeAll(async () => {
    hub = await startTestHub(district.registry, { rosterSync: { resendAfterMs: 1000 } })
    const office = (path: string, body: unknown) => call('PUT', `${hub.api}${path}`, body, hub.auth)
    await office('/api/people', {
      people: [
        { personId: `${station}-c001`, stationId: station, name: '袁娜', roles: ['cadre', 'member'] },
        { personId: `${station}-m001`, stationId: station, name: '朱涛红', roles: ['member'] },
      ],
    })
    await office(`/api/people/${station}-c001/pin`, { pin: '2580' })
    await office(`/api/people/${station}-m001/pin`, { pin: '1357' })
    await office(`/api/duty/schedules/${station}`, {
      patterns: [{ weekday: isoWeekday(today), start, end: '23:59', personIds: [`${station}-c001`] }],
      validFrom: today,
    })
    await office(`/api/activities/${station}-day`, {
      stationId: station,
      kind: 'themeDay',
      theme: 'education',
      title: '主题党日：党员教育',
      date: today,
      expected: [`${station}-m001`],
      agenda: ['集中学习'],
      hours: 2,
    })
    const config = structuredClone(district.configs[0]!)
    config.hub.mqttUrl = hub.mqttUrl
    config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-kiosk-'))
    config.localApi.port = 0
    config.uplink.heartbeatIntervalS = 1
    config.ui.idleTimeoutS = 45
    edge = await startEdge(config, { log })
    local = edge.localApiUrl!
    await until('the roster and the day to reach the kiosk', async () => {
      const t = (await call('GET', `${local}/api/today`)).body
      return t.activities.length > 0 && t.duty.shifts.length > 0 ? true : undefined
    })
  }, 60_000)
  afterAll(async () => {
    await edge?.stop()
    await hub?.stop()
  })

  it("shows today's activity and rota, and who is on duty once they clock in, with one stream of it all", async () => {
    const stream = listenSse(`${local}/api/stream`)
    const before = (await call('GET', `${local}/api/today`)).body
    expect(before).toMatchObject({
      date: today,
      mode: { kind: 'checkin' },
      activities: [{ activityId: `${station}-day`, title: '主题党日：党员教育', hours: 2 }],
      duty: { shifts: [{ people: [{ personId: `${station}-c001`, name: '袁娜' }] }], onDuty: [] },
    })

    expect((await call('PUT', `${local}/api/mode`, { kind: 'duty' })).body).toEqual({ kind: 'duty' })
    const punched = await call('POST', `${local}/api/signin/pin`, {
      personId: `${station}-c001`,
      pin: '2580',
    })
    const late = Math.ceil((Date.now() - startAt) / 60_000)
    expect(punched.body).toMatchObject({ kind: 'duty', direction: 'in', name: '袁娜' })
    expect(Math.abs(punched.body.shift.lateMin - (late > 5 ? late : 0))).toBeLessThanOrEqual(1)
    const after = (await call('GET', `${local}/api/today`)).body
    expect(after.duty.onDuty).toMatchObject([{ personId: `${station}-c001`, name: '袁娜' }])

    await until('the punch on the stream', async () =>
      stream.events.find((e) => e.event === 'signin' && e.data.kind === 'duty'),
    )
    stream.close()
  })

  it("serves the station config's screen options and duty and activity defaults", async () => {
    const { body } = await call('GET', `${local}/api/ui-settings`)
    expect(body.ui).toEqual({
      idleTimeoutS: 45,
      resultTimeoutS: 8,
      voice: true,
      sound: true,
      language: 'zh-CN',
    })
    expect(body.duty).toEqual({ graceLateMin: 5, graceEarlyMin: 5, duplicateWithinMin: 3 })
    expect(body.activity.themeDayOfMonth).toBe(25)
  })

  it('looks a member up without recording anything', async () => {
    await call('PUT', `${local}/api/mode`, { kind: 'lookup' })
    const lastSeq = (await call('GET', `${local}/api/status`)).body.health.lastSeq
    const found = await call('POST', `${local}/api/signin/pin`, { personId: `${station}-m001`, pin: '1357' })
    expect(found.body).toMatchObject({ kind: 'identified', name: '朱涛红', study: { target: 32 } })
    expect(found.body.eventId).toBeUndefined()
    expect((await call('GET', `${local}/api/status`)).body.health.lastSeq).toBe(lastSeq)
    await call('PUT', `${local}/api/mode`, { kind: 'checkin' })
  })

  it("checks a cadre's PIN, refuses a member, and tells who a roster id is", async () => {
    expect(
      (await call('POST', `${local}/api/auth/cadre`, { cadreId: `${station}-c001`, pin: '2580' })).body,
    ).toEqual({
      personId: `${station}-c001`,
      name: '袁娜',
    })
    expect(
      (await call('POST', `${local}/api/auth/cadre`, { cadreId: `${station}-c001`, pin: '0000' })).status,
    ).toBe(401)
    expect(
      (await call('POST', `${local}/api/auth/cadre`, { cadreId: `${station}-m001`, pin: '1357' })).status,
    ).toBe(403)
    expect((await call('GET', `${local}/api/people/${station}-m001`)).body).toEqual({
      personId: `${station}-m001`,
      name: '朱涛红',
      roles: ['member'],
    })
    expect((await call('GET', `${local}/api/people/${station}-x999`)).status).toBe(404)
  })

  it("checks the enrolment sheet's code against the kiosk: a wrong station is a fault, the right one journalled", async () => {
    const stream = listenSse(`${local}/api/stream`)
    // a code it cannot read answers on the stream too (and raises no fault): proof the stream is open
    await until('the stream to open', async () => {
      await call('POST', `${local}/api/enrol/check`, { payload: 'ejia-enrol:v1?smudged' })
      return stream.events.some((e) => e.event === 'enrol') || undefined
    })
    stream.events.length = 0
    const other = district.configs[1]?.station.id ?? '339901001999'
    const wrong = await call('POST', `${local}/api/enrol/check`, {
      payload: enrolmentText({ stationId: other, hub: hub.mqttUrl }),
    })
    expect(wrong.status).toBe(200)
    expect(wrong.body).toMatchObject({
      ok: false,
      device: 'localApi',
      problems: [
        {
          code: 'station',
          message: `this kiosk is installed as station ${station}, the sheet is for ${other}`,
        },
      ],
    })
    const faults = async () =>
      (await call('GET', `${local}/api/status`)).body.health.faults as { device: string }[]
    expect((await faults()).filter((f) => f.device === 'enrolment')).toHaveLength(1)

    const right = await call('POST', `${local}/api/enrol/check`, {
      payload: enrolmentText({ stationId: station, hub: hub.mqttUrl }),
    })
    expect(right.body).toMatchObject({ ok: true, stationId: station, device: 'localApi' })
    expect((await faults()).filter((f) => f.device === 'enrolment')).toEqual([])
    expect((await call('POST', `${local}/api/enrol/check`, { payload: '' })).status).toBe(400)

    await until('both answers on the stream', async () =>
      stream.events.filter((e) => e.event === 'enrol').length === 2 ? true : undefined,
    )
    expect(stream.events.filter((e) => e.event === 'enrol').map((e) => e.data.ok)).toEqual([false, true])
    stream.close()
    // the match reaches the hub's ledger like any event
    await until('kiosk.enrolled at the hub', async () => {
      const res = await call(
        'GET',
        `${hub.api}/api/events?type=kiosk.enrolled&station=${station}`,
        undefined,
        hub.auth,
      )
      return res.body.events?.length === 1 ? res.body.events[0] : undefined
    })
  })
})

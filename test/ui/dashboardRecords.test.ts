import { createHash } from 'node:crypto'
import { type Event, type Heartbeat, PROTOCOL_VERSION, stationTopic } from '@ejia/protocol'
import type { Browser, Page } from 'playwright-core'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveBrowser, launchChromium } from '../helpers/browser.js'
import { makeDistrict } from '../helpers/district.js'
import { type BearerAuth, operatorAuth, startTestHub, TEST_ADMIN, type TestHub } from '../helpers/hub.js'
import { checkinEvent, connectStation } from '../helpers/mqtt.js'
import { until } from '../helpers/wait.js'

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/**
 * Issue 7, the dashboard's records, statistics and audit, against a real hub: people and a
 * branch assembly planned through the API, sign-ins, a duty punch, a visit and an evidence
 * photo sent by station a1 over MQTT as its kiosk would, the photo uploaded over HTTP. What
 * the screens show is checked against what the API answers.
 */
describe.skipIf(!haveBrowser)('the dashboard’s records, statistics and audit, on a real hub', () => {
  const district = makeDistrict(4)
  const ids = district.configs.map((c) => c.station.id)
  const [a1, b1] = ids as [string, string, string, string]
  const config = (id: string) =>
    district.configs.find((c) => c.station.id === id) as (typeof district.configs)[0]
  const townA = config(a1).station.townCode
  const member = (station: string, n: number) => `${station}-m00${n}`
  const cadre = `${a1}-c001`
  const assembly = `${a1}-assembly-1126`
  // the hub's clock: Friday 2026-11-27 09:30 in China, running
  const offset = Date.parse('2026-11-27T01:30:00Z') - Date.now()
  const hubNow = () => Date.now() + offset
  let hub: TestHub
  let browser: Browser
  let townOp: BearerAuth
  let photoId: string

  const api = async (path: string, init: RequestInit = {}, auth: BearerAuth = hub.auth) => {
    const res = await fetch(`${hub.api}${path}`, {
      ...init,
      headers: { ...auth, 'content-type': 'application/json', ...(init.headers ?? {}) },
    })
    return { status: res.status, body: (await res.json()) as any }
  }
  const put = async (path: string, body: unknown) => {
    const r = await api(path, { method: 'PUT', body: JSON.stringify(body) })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
  }
  /** Sends one batch of events as the station's kiosk does and waits for the hub's commit. */
  const publish = async (station: string, events: Partial<Event>[]) => {
    const st = await connectStation(hub.mqttUrl, station, config(station).hub.password)
    const batch = events.map((e, i) => checkinEvent(station, i + 1, e))
    const ack = st.nextAck()
    await st.client.publishAsync(
      stationTopic(station, 'events'),
      JSON.stringify({ sentAt: new Date(hubNow()).toISOString(), events: batch }),
      { qos: 1 },
    )
    expect((await ack).accepted).toHaveLength(batch.length)
    await st.close()
  }
  /** A heartbeat from the station saying how many events it still holds, and since when. */
  const heartbeat = async (station: string, depth: number, ageS: number | null) => {
    const st = await connectStation(hub.mqttUrl, station, config(station).hub.password)
    const now = new Date(hubNow()).toISOString()
    const beat: Heartbeat = {
      time: now,
      bootedAt: '2026-11-27T00:00:00.000Z',
      intervalS: 30,
      lastSeq: 6,
      backlog: {
        depth,
        oldestUnsentAt: ageS === null ? null : new Date(hubNow() - ageS * 1000).toISOString(),
        oldestUnsentAgeS: ageS,
        deadLetters: 0,
      },
      versions: { agent: '0.1.0', protocol: PROTOCOL_VERSION, config: 'cfg-e2e' },
      faults: [],
    }
    await st.client.publishAsync(
      stationTopic(station, 'status'),
      JSON.stringify({ state: 'online', reason: 'connected', since: now }),
      { qos: 1, retain: true },
    )
    await st.client.publishAsync(stationTopic(station, 'heartbeat'), JSON.stringify(beat), { qos: 1 })
    await st.close()
  }
  const loginPage = async (username: string, password: string, path = '/'): Promise<Page> => {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    })
    const page = await context.newPage()
    await page.goto(`${hub.api}${path}`)
    await page.waitForFunction(() => document.body.dataset.page === 'login')
    await page.fill('input[name="username"]', username)
    await page.fill('input[name="password"]', password)
    await page.click('button[type="submit"]')
    await page.waitForFunction(() => !['login', 'loading'].includes(document.body.dataset.page ?? ''))
    return page
  }
  const onPage = (page: Page, name: string) =>
    page.waitForFunction((n) => document.body.dataset.page === n, name)
  const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent())?.trim()

  beforeAll(async () => {
    hub = await startTestHub(district.registry, { now: hubNow })
    const names = ['张三丰', '李四光', '王五', '赵六', '钱七', '孙八']
    await put('/api/people', {
      people: [
        ...names.map((name, i) => ({
          personId: member(a1, i + 1),
          stationId: a1,
          name,
          roles: ['member'],
        })),
        { personId: cadre, stationId: a1, name: '周书记', roles: ['cadre', 'member'] },
        { personId: member(b1, 1), stationId: b1, name: '吴九', roles: ['member'] },
      ],
    })
    await put(`/api/activities/${assembly}`, {
      stationId: a1,
      kind: 'branchAssembly',
      title: '十一月支部党员大会',
      agenda: ['学习党章', '讨论发展党员'],
      date: '2026-11-26',
      expected: names.map((_, i) => member(a1, i + 1)),
      hours: 2,
    })
    const photo = await sharp({
      create: { width: 640, height: 480, channels: 3, background: { r: 180, g: 40, b: 40 } },
    })
      .jpeg()
      .toBuffer()
    photoId = sha256(photo)
    // two sign in themselves, one is vouched for (no witness photo: a record to inspect)
    await publish(a1, [
      {
        time: '2026-11-26T02:00:00.000Z',
        body: { personId: member(a1, 1), method: 'card', activityId: assembly },
      },
      {
        time: '2026-11-26T02:01:00.000Z',
        body: { personId: member(a1, 2), method: 'face', activityId: assembly },
      },
      {
        time: '2026-11-26T02:02:00.000Z',
        body: { personId: member(a1, 3), method: 'vouch', vouchedBy: cadre, activityId: assembly },
      },
      {
        type: 'activity.photo',
        time: '2026-11-26T02:30:00.000Z',
        body: {
          photoId,
          purpose: 'evidence',
          activityId: assembly,
          faces: 3,
          width: 640,
          height: 480,
          bytes: photo.length,
        },
      } as Partial<Event>,
      { time: '2026-11-27T01:00:00.000Z', body: { personId: member(a1, 1), method: 'qr' } },
      {
        type: 'duty.punch',
        time: '2026-11-27T00:55:00.000Z',
        body: { personId: cadre, direction: 'in', method: 'card' },
      } as Partial<Event>,
    ])
    await publish(b1, [
      { time: '2026-11-27T01:05:00.000Z', body: { personId: member(b1, 1), method: 'card' } },
    ])
    const up = await fetch(`${hub.api}/api/stations/${a1}/photos/${photoId}`, {
      method: 'PUT',
      headers: {
        'content-type': 'image/jpeg',
        authorization: `Basic ${Buffer.from(`${config(a1).hub.username}:${config(a1).hub.password}`).toString('base64')}`,
      },
      body: photo,
    })
    expect(up.status).toBe(201)
    townOp = await operatorAuth(hub, { username: 'town-a', tier: 'town', scope: townA })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await hub?.stop()
  })

  it('filters the ledger by person, within the scope', async () => {
    const mine = await api(`/api/events?person=${member(a1, 1)}`)
    expect(mine.body.events.map((e: any) => e.body.personId)).toEqual([member(a1, 1), member(a1, 1)])
    expect((await api(`/api/events?person=${member(b1, 1)}`)).body.events).toHaveLength(1)
    // a town operator asking for someone of the other town gets nothing, and naming its station is refused
    expect((await api(`/api/events?person=${member(b1, 1)}`, {}, townOp)).body.events).toEqual([])
    expect((await api(`/api/events?person=${member(b1, 1)}&station=${b1}`, {}, townOp)).status).toBe(403)
  })

  it('finds a person’s records by name: their check-ins, and the activity they signed in to', async () => {
    const page = await loginPage(TEST_ADMIN.username, TEST_ADMIN.password)
    await page.getByTestId('nav-records').click()
    await onPage(page, 'records')
    await page.getByTestId('records-person').fill('张三丰')
    await page.getByTestId('records-search').click()
    const rows = page.locator('[data-testid="event-row"]')
    await expect.poll(() => rows.count()).toBe(2)
    expect(await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-person')))).toEqual([
      member(a1, 1),
      member(a1, 1),
    ])
    expect(await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-type')))).toEqual([
      'checkin',
      'checkin',
    ])
    expect(await rows.first().getByTestId('event-person').textContent()).toContain('张三丰')
    expect(new URL(page.url()).searchParams.get('pid')).toBe(member(a1, 1))

    // by id, and narrowed to duty punches: the cadre's clock-in
    await page.getByTestId('records-person').fill(cadre)
    await page.getByTestId('records-type').selectOption('duty.punch')
    await page.getByTestId('records-search').click()
    await expect
      .poll(() => rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-type'))))
      .toEqual(['duty.punch'])
    expect(await rows.first().textContent()).toContain('签到上班')
    await page.context().close()
  })

  it('shows an activity’s full record: present, vouched, absent, quorum, the photo and the flag', async () => {
    const [api1] = (await api(`/api/activities?from=2026-11-26&to=2026-11-27&station=${a1}`)).body.activities
    expect(api1.result).toMatchObject({ expected: 6, present: 2, vouched: 1, quorumMet: false })
    const page = await loginPage(TEST_ADMIN.username, TEST_ADMIN.password, '/records')
    await page.getByTestId('records-tab-activities').click()
    const row = page.locator(`[data-testid="activity-row"][data-activity="${assembly}"]`)
    await row.waitFor()
    await row.click()
    await page.getByTestId('activity-record').waitFor()
    expect(new URL(page.url()).pathname).toBe(`/records/activity/${assembly}`)
    const figure = (id: string) => page.getByTestId(`figure-${id}`).locator('.figure-value').textContent()
    expect(await figure('expected')).toBe('6')
    expect(await figure('present')).toBe('2')
    expect(await figure('vouched')).toBe('1')
    expect(await figure('absent')).toBe(String(api1.result.absent.length))
    expect(await figure('stillAbsent')).toBe(String(api1.stillAbsent.length))
    expect(await text(page, 'activity-absent-names')).toBe('赵六、钱七、孙八')
    expect(await page.getByTestId('activity-quorum').getAttribute('data-met')).toBe('false')
    expect(await text(page, 'activity-quorum')).toBe('未达到法定人数')
    expect(await text(page, 'plan-kind')).toBe('支部党员大会')
    const signIns = page.locator('[data-testid="signin-row"]')
    expect(await signIns.evaluateAll((r) => r.map((x) => x.getAttribute('data-method')))).toEqual([
      'card',
      'face',
      'vouch',
    ])
    expect(await signIns.nth(2).textContent()).toContain('由 周书记 代签')
    expect(await signIns.nth(2).textContent()).toContain('缺见证照片')
    expect(await page.getByTestId('activity-flag').allTextContents()).toEqual(['代签缺见证照片'])

    // the evidence photo: its thumbnail loads, a click shows the full one
    const thumb = page.locator(`[data-testid="photo"][data-photo="${photoId}"] img`)
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)
    await thumb.click()
    const full = page.getByTestId('lightbox-image')
    await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(640)
    await page.getByTestId('lightbox-close').click()

    // and it is among the records to inspect
    await page.getByTestId('activity-back').click()
    await page.getByTestId('records-tab-flags').click()
    await page.locator(`[data-testid="flag-row"][data-activity="${assembly}"]`).waitFor()
    await page.context().close()
  })

  it('shows the town’s figures, drills into the village, marks a backlog provisional, and exports the view', async () => {
    const page = await loginPage(TEST_ADMIN.username, TEST_ADMIN.password, '/stats')
    await onPage(page, 'stats')
    await page.getByTestId('stats-metric-attendance').click()
    // this month up to the hub's today
    await expect.poll(() => page.getByTestId('stats-to').inputValue()).toBe('2026-11-27')
    const from = await page.getByTestId('stats-from').inputValue()
    const to = await page.getByTestId('stats-to').inputValue()
    expect(from).toBe('2026-11-01')
    const towns = (await api(`/api/stats/attendance?from=${from}&to=${to}&level=town`)).body.rows
    expect(towns.map((r: any) => r.code)).toEqual([townA])
    const townRow = page.locator(`[data-testid="stats-row"][data-code="${townA}"]`)
    await townRow.waitFor()
    const cell = (row: ReturnType<Page['locator']>, col: string) =>
      row.locator(`td[data-col="${col}"]`).textContent()
    expect(await cell(townRow, 'expected')).toBe(String(towns[0].figures.expected))
    expect(await cell(townRow, 'present')).toBe(String(towns[0].figures.present))
    expect(await cell(townRow, 'rate')).toBe(`${Math.round(towns[0].figures.rate * 1000) / 10}%`)
    expect(await cell(townRow, 'rate')).toBe('50%')
    expect(await townRow.getAttribute('data-provisional')).toBe('false')

    await townRow.click()
    const village = page.locator(`[data-testid="stats-row"][data-code="${a1}"]`)
    await village.waitFor()
    expect(await page.getByTestId('stats-table').getAttribute('data-level')).toBe('village')
    const villages = (await api(`/api/stats/attendance?from=${from}&to=${to}&level=village&town=${townA}`))
      .body.rows
    expect(await page.locator('[data-testid="stats-row"]').count()).toBe(villages.length)
    expect(await cell(village, 'present')).toBe(String(villages[0].figures.present))
    expect(await cell(village, 'vouched')).toBe('1')
    expect(await cell(village, 'quorumFailed')).toBe('1')
    expect(await page.getByTestId('stats-crumb-here').textContent()).toBe('城关镇')

    // the export links ask for exactly this view, and answer a workbook
    const xlsx = await page.getByTestId('export-xlsx').getAttribute('href')
    expect(xlsx).toBe(`/api/reports/attendance.xlsx?from=${from}&to=${to}&level=village&town=${townA}`)
    expect(await page.getByTestId('export-csv').getAttribute('href')).toBe(
      `/api/reports/attendance.csv?from=${from}&to=${to}&level=village&town=${townA}`,
    )
    const file = await page.request.get(`${hub.api}${xlsx}`)
    expect(file.status()).toBe(200)
    expect(file.headers()['content-type']).toContain('spreadsheetml')

    // the kiosk at a1 reports events still on board: its figures become provisional, with the age
    await heartbeat(a1, 4, 900)
    await until('a1 provisional at the API', async () => {
      const r = await api(`/api/stats/attendance?from=${from}&to=${to}&level=village&town=${townA}`)
      return r.body.rows[0]?.provisional ? true : undefined
    })
    await page.reload()
    await village.waitFor()
    expect(await village.getAttribute('data-provisional')).toBe('true')
    expect(await village.getByTestId('provisional-mark').textContent()).toContain('临时')
    expect(await village.getByTestId('provisional-mark').getAttribute('title')).toContain('未上传')
    expect(await text(page, 'provisional-banner')).toContain('15 分钟')

    // the breadcrumb goes back up to the district
    await page.getByTestId('stats-crumb').first().click()
    await townRow.waitFor()
    expect(await page.getByTestId('stats-table').getAttribute('data-level')).toBe('town')
    await page.context().close()
  })

  it('shows the audit to the district, and neither the audit nor district figures to a town operator', async () => {
    const admin = await loginPage(TEST_ADMIN.username, TEST_ADMIN.password)
    await admin.getByTestId('nav-audit').click()
    await onPage(admin, 'audit')
    const rows = admin.locator('[data-testid="audit-row"]')
    await rows.first().waitFor()
    // this login is audited too: the page and the API agree once both have it
    const entries = (await api('/api/audit?limit=1000')).body.entries
    expect(await rows.count()).toBe(entries.length)
    expect(await rows.first().getAttribute('data-action')).toBe(entries[0].action)
    await admin.getByTestId('audit-action').fill('activity')
    const actions = await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-action') ?? ''))
    expect(actions.length).toBe(entries.filter((e: any) => e.action.includes('activity')).length)
    expect(actions.length).toBeGreaterThan(0)
    expect(actions.every((a) => a.includes('activity'))).toBe(true)
    await admin.context().close()

    const town = await loginPage('town-a', 'town-a-password', '/stats?metric=attendance')
    await onPage(town, 'stats')
    expect(await town.getByTestId('nav-audit').count()).toBe(0)
    // a town operator starts at their town: its villages, never the district's towns
    await town.locator(`[data-testid="stats-row"][data-code="${a1}"]`).waitFor()
    expect(await town.getByTestId('stats-table').getAttribute('data-level')).toBe('village')
    expect(await town.getByTestId('stats-crumb-here').textContent()).toBe('城关镇')
    expect(await town.getByTestId('stats-crumb').count()).toBe(0)
    // a bookmark to the audit lands on the fleet
    await town.goto(`${hub.api}/audit`)
    await onPage(town, 'fleet')
    await town.context().close()
  })
})

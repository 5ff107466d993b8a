import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { type EdgeHandle, startEdge } from '@ejia/edge'
import { isoWeekday, localDate } from '@ejia/protocol'
import { Em4100Sim, PtyEndpoint } from '@ejia/simulators'
import pino from 'pino'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveBrowser, launchChromium } from '../helpers/browser.js'
import { makeDistrict } from '../helpers/district.js'
import { startTestHub, type TestHub } from '../helpers/hub.js'
import { freePort } from '../helpers/net.js'
import { until } from '../helpers/wait.js'
import { writeY4m } from '../helpers/y4m.js'

// the labelled photos beside the project (never copied into it); EJIA_FACES_DIR overrides
const FACES = process.env.EJIA_FACES_DIR ?? new URL('../../../shared/faces/', import.meta.url).pathname
const haveFaces = existsSync(FACES)
const photo = (person: string, n: number) => readFileSync(join(FACES, person, `${person}${n}.png`))
const ROOT = new URL('../../', import.meta.url).pathname
const UI_INDEX = join(ROOT, 'kiosk-ui/dist/index.html')
const log = pino({ level: 'silent' })
/** A result screen stays this long before the kiosk goes back to idle by itself. */
const RESULT_MS = 2000

interface HubEvent {
  type: string
  seq: number
  body: { personId?: string; method?: string; activityId?: string; direction?: string }
}

/**
 * Issue 6 acceptance: the built kiosk UI in headless Chromium, served by a real edge agent
 * (journal on disk, face models, a card reader simulated on a real pseudo-terminal), reporting
 * to a real hub. Each case does what a villager or a cadre does at the screen, checks what the
 * screen says, and finds the event in the hub's ledger.
 */
describe.skipIf(!haveBrowser)('the kiosk UI end to end, in Chromium', () => {
  const district = makeDistrict(1)
  const station = district.configs[0]!.station.id
  const person = (id: string) => `${station}-${id}`
  const now = Date.now()
  const today = localDate(now)
  // a shift that began 20 minutes ago (not before midnight), till the end of the day
  const startAt = Math.max(now - 20 * 60_000, Date.parse(`${today}T00:00:00+08:00`))
  const shiftStart = new Date(startAt + 8 * 3600_000).toISOString().slice(11, 16)
  const activityId = `${station}-day`
  const cards = { cadre: '0013A8F2AB', member: '00000A0B0C', late: '0000C0FFEE' }
  const temps: string[] = []
  const tempDir = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `ejia-ui-${name}-`))
    temps.push(dir)
    return dir
  }
  let hubDir: string
  let ports: { mqttPort: number; httpPort: number }
  let hub: TestHub | undefined
  let edge: EdgeHandle | undefined
  let line: PtyEndpoint | undefined
  let reader: Em4100Sim
  let browser: Browser | undefined
  let kiosk: string

  const startHubHere = () =>
    startTestHub(district.registry, { ...ports, dataDir: hubDir, rosterSync: { resendAfterMs: 1000 } })
  /** A call to the kiosk's local API, or to the hub's with the admin's token (`auth`). */
  const json = async (method: string, url: string, body?: unknown, auth = {}) => {
    const res = await fetch(url, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`)
    return JSON.parse(text) as Record<string, any>
  }
  /** The events of one type about one person in the hub's ledger, once there are any. */
  const atHub = (type: 'checkin' | 'duty.punch', personId: string) =>
    until(`a ${type} of ${personId} at the hub`, async () => {
      const { events } = (await json(
        'GET',
        `${hub!.api}/api/events?station=${station}&type=${type}&limit=1000`,
        undefined,
        hub!.auth,
      )) as { events: HubEvent[] }
      const mine = events.filter((e) => e.body.personId === personId)
      return mine.length > 0 ? mine : undefined
    })

  /** A fresh kiosk page, on the idle screen, with its event stream open (reads arrive on it). */
  const openKiosk = async (): Promise<Page> => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } })
    const stream = page.waitForResponse((r) => r.url().endsWith('/api/stream'))
    await page.goto(`${kiosk}/?quiet=1&resultMs=${RESULT_MS}&idleMs=60000`)
    await stream
    await page.waitForFunction(() => document.body.dataset.screen === 'idle')
    await until('the station name on the idle screen', async () =>
      (await page.getByTestId('station-name').textContent())?.includes('测试1村') ? true : undefined,
    )
    return page
  }
  /** Runs a case on a fresh kiosk page; a failure says which screen was up and what it showed. */
  const withKiosk = async (run: (page: Page) => Promise<void>) => {
    const page = await openKiosk()
    try {
      await run(page)
    } catch (err) {
      const screen = await page.evaluate(() => document.body.dataset.screen).catch(() => '?')
      const shown = await page
        .locator('body')
        .textContent()
        .catch(() => '')
      ;(err as Error).message += `\n(on the ${screen} screen: ${shown})`
      throw err
    } finally {
      await page.close()
    }
  }
  const screenIs = (page: Page, name: string, timeout = 20_000) =>
    page.waitForFunction((n) => document.body.dataset.screen === n, name, { timeout })
  const text = async (page: Page, testId: string) =>
    ((await page.getByTestId(testId).textContent()) ?? '').trim()

  beforeAll(async () => {
    if (!existsSync(UI_INDEX)) {
      // `npm test` builds it first; a lone run of this file builds it here (a second or two)
      await promisify(execFile)('npm', ['run', 'build', '-w', 'kiosk-ui'], { cwd: ROOT })
    }
    // the hub keeps its ports and its ledger when it restarts
    hubDir = tempDir('hub')
    ports = { mqttPort: await freePort(), httpPort: await freePort() }
    hub = await startHubHere()
    const office = (path: string, body: unknown) => json('PUT', `${hub!.api}${path}`, body, hub!.auth)
    await office('/api/people', {
      people: [
        {
          personId: person('c001'),
          stationId: station,
          name: '袁娜',
          roles: ['cadre', 'member'],
          cards: [cards.cadre],
        },
        {
          personId: person('m001'),
          stationId: station,
          name: '朱涛红',
          roles: ['member'],
          cards: [cards.member],
        },
        { personId: person('m002'), stationId: station, name: '艾米', roles: ['member'] },
        {
          personId: person('m003'),
          stationId: station,
          name: '李国庆',
          roles: ['member'],
          cards: [cards.late],
        },
      ],
    })
    await office(`/api/duty/schedules/${station}`, {
      patterns: [
        { weekday: isoWeekday(today), start: shiftStart, end: '23:59', personIds: [person('c001')] },
      ],
      validFrom: today,
    })
    await office(`/api/activities/${activityId}`, {
      stationId: station,
      kind: 'themeDay',
      theme: 'education',
      title: '主题党日：党员教育',
      date: today,
      expected: [person('m001'), person('m002'), person('m003')],
      agenda: ['集中学习'],
      hours: 2,
    })

    line = await PtyEndpoint.create()
    reader = new Em4100Sim(line)
    const config = structuredClone(district.configs[0]!)
    config.hub.mqttUrl = hub.mqttUrl
    config.dataDir = tempDir('kiosk')
    config.localApi.port = 0
    config.uplink.heartbeatIntervalS = 1
    config.uplink.reconnectPeriodS = 0.5
    config.camera = { type: 'push', fps: 5 }
    config.devices = [{ name: 'card', profile: 'rdm6300', port: line.agentPort }]
    edge = await startEdge(config, { log })
    kiosk = edge.localApiUrl!
    await until('the roster, the rota and the plan at the kiosk, and the reader connected', async () => {
      const t = await json('GET', `${kiosk}/api/today`)
      const { devices } = await json('GET', `${kiosk}/api/devices`)
      const known = await fetch(`${kiosk}/api/people/${person('m003')}`)
      return t.activities.length > 0 &&
        t.duty.shifts.length > 0 &&
        known.ok &&
        devices.every((d: { fault: unknown }) => d.fault === null)
        ? true
        : undefined
    })

    let camera: string | undefined
    if (haveFaces) {
      // the kiosk camera pointed at two photos of the person not used for enrolment
      camera = join(tempDir('camera'), 'amy.y4m')
      await writeY4m(camera, [photo('amy', 4), photo('amy', 5)], {
        width: 640,
        height: 480,
        fps: 10,
        framesEach: 10,
      })
    }
    browser = await launchChromium(camera ? { camera } : {})
  }, 90_000)

  afterAll(async () => {
    await browser?.close()
    await edge?.stop()
    await line?.close()
    await hub?.stop()
    for (const dir of temps) rmSync(dir, { recursive: true, force: true })
  })

  it('serves the UI and signs a member in by card at the reader screen', () =>
    withKiosk(async (page) => {
      await page.getByTestId('go-card').click()
      await screenIs(page, 'reader')
      await page.getByTestId('reader-prompt').waitFor()
      await reader.present(cards.member, 400)
      await screenIs(page, 'result')
      expect(await text(page, 'result-title')).toBe('签到成功')
      expect(await text(page, 'result-name')).toBe('朱涛红')
      expect(await text(page, 'result')).toContain('主题党日：党员教育')

      const [event, ...more] = await atHub('checkin', person('m001'))
      expect(more).toEqual([])
      // the activity the screen named is the one the hub counts the member to
      expect(event).toMatchObject({
        type: 'checkin',
        body: { personId: person('m001'), method: 'card', activityId },
      })
      // the result goes away by itself, for the next person
      await screenIs(page, 'idle', RESULT_MS + 5000)
    }))

  it('clocks a cadre in for duty by card, with the shift and how late', () =>
    withKiosk(async (page) => {
      await page.getByTestId('go-duty').click()
      await screenIs(page, 'duty')
      await page.getByTestId('duty-prompt').waitFor() // shown once the kiosk took duty mode
      expect(await json('GET', `${kiosk}/api/mode`)).toEqual({ kind: 'duty' })
      await reader.present(cards.cadre, 400)
      await screenIs(page, 'result')
      const late = Math.ceil((Date.now() - startAt) / 60_000)
      expect(await text(page, 'result-title')).toBe('上班打卡成功')
      expect(await text(page, 'result-name')).toBe('袁娜')
      expect(await text(page, 'result')).toContain(`班次 ${shiftStart}–23:59`)
      const lateness = await text(page, 'result-lateness')
      if (late > 5) {
        // past the 5 minutes' grace; a minute either way for the clock turning over meanwhile
        const shown = Number(/^迟到 (\d+) 分钟$/.exec(lateness)?.[1])
        expect(Math.abs(shown - late), lateness).toBeLessThanOrEqual(1)
      } else expect(lateness).toBe('准时')

      const [event, ...more] = await atHub('duty.punch', person('c001'))
      expect(more).toEqual([])
      expect(event).toMatchObject({
        type: 'duty.punch',
        body: { personId: person('c001'), direction: 'in', method: 'card' },
      })
      // the hub's duty board has the station manned by her
      const board = await json('GET', `${hub!.api}/api/duty/now`, undefined, hub!.auth)
      expect(board.stations.find((x: { stationId: string }) => x.stationId === station)).toMatchObject({
        inShift: true,
        onDuty: [person('c001')],
        unmanned: false,
      })
      // the punch done, the kiosk is back in check-in mode for the next person
      await until('check-in mode again', async () =>
        (await json('GET', `${kiosk}/api/mode`)).kind === 'checkin' ? true : undefined,
      )

      // she taps her card again to be sure: not clocked out, told she already clocked in
      await page.getByTestId('go-duty').click()
      await page.getByTestId('duty-prompt').waitFor()
      await reader.present(cards.cadre, 400)
      await until('the repeat on screen', async () =>
        (await text(page, 'result-title')) === '已打过上班卡' ? true : undefined,
      )
      expect(await text(page, 'result-repeat')).toMatch(/已经打过，这次不重复计$/)
      const punches = await until('the repeat at the hub', async () => {
        const all = await atHub('duty.punch', person('c001'))
        return all.length === 2 ? all : undefined
      })
      expect(punches.map((p) => p.body.direction)).toEqual(['in', 'in'])
    }))

  it.skipIf(!haveFaces)(
    'checks an enrolled member in by face, through the browser camera',
    {
      timeout: 60_000,
    },
    async () => {
      // a cadre enrols the member from three other photos, after the member's consent
      await json('POST', `${kiosk}/api/face/consent`, {
        personId: person('m002'),
        granted: true,
        textVersion: '2025-1',
        authorisedBy: person('c001'),
      })
      const enrolled = await json('POST', `${kiosk}/api/face/enrol`, {
        personId: person('m002'),
        authorisedBy: person('c001'),
        images: [1, 2, 3].map((n) => photo('amy', n).toString('base64')),
      })
      expect(enrolled).toMatchObject({ personId: person('m002'), captures: 3 })

      await withKiosk(async (page) => {
        // the box over the preview is up only while the session looks: note it when it appears
        await page.evaluate(() => {
          new MutationObserver((_, seen) => {
            if (!document.querySelector('[data-testid="face-box"]')) return
            document.body.dataset.sawFaceBox = 'yes'
            seen.disconnect()
          }).observe(document.body, { childList: true, subtree: true })
        })
        await page.getByTestId('go-face').click()
        await screenIs(page, 'face')
        await screenIs(page, 'result', 30_000)
        expect(await page.evaluate(() => document.body.dataset.sawFaceBox)).toBe('yes')
        expect(await text(page, 'result-title')).toBe('签到成功')
        expect(await text(page, 'result-name')).toBe('艾米')
        expect(await text(page, 'result')).toContain('刷脸')

        const [event, ...more] = await atHub('checkin', person('m002'))
        expect(more).toEqual([])
        expect(event).toMatchObject({
          type: 'checkin',
          body: {
            personId: person('m002'),
            method: 'face',
            activityId,
            score: expect.any(Number),
            modelVersion: expect.stringContaining('arcface112'),
          },
        })
      })
    },
  )

  it('keeps signing in while the hub is down, says what waits, and drains when it is back', {
    timeout: 60_000,
  }, async () => {
    // everything before is acknowledged: the banner starts hidden
    await until('an empty outbox', async () => {
      const s = await json('GET', `${kiosk}/api/status`)
      return s.connected && s.health.backlog.depth === 0 ? true : undefined
    })
    await withKiosk(async (page) => {
      await page.getByTestId('banner').waitFor({ state: 'detached' })
      await hub!.stop()
      hub = undefined
      await until('the offline banner', async () =>
        (await page.getByTestId('banner').count()) > 0 && (await text(page, 'banner')).includes('网络已断开')
          ? true
          : undefined,
      )

      await reader.present(cards.late, 400)
      await screenIs(page, 'result')
      expect(await text(page, 'result-title')).toBe('签到成功')
      expect(await text(page, 'result-name')).toBe('李国庆')
      await page.getByTestId('backlog').waitFor()
      expect(await text(page, 'backlog')).toContain('1 条记录待上传')
      expect(await text(page, 'banner')).toContain('网络已断开，签到照常进行')
      await screenIs(page, 'idle', RESULT_MS + 5000)
      expect(await text(page, 'backlog')).toContain('1 条记录待上传') // on the idle screen too

      // the hub comes back on the same ports: the kiosk reconnects and sends what waited
      hub = await startHubHere()
      await page.getByTestId('banner').waitFor({ state: 'detached', timeout: 20_000 })
      const [event, ...more] = await atHub('checkin', person('m003'))
      expect(more).toEqual([])
      expect(event).toMatchObject({
        type: 'checkin',
        body: { personId: person('m003'), method: 'card', activityId },
      })
      expect((await json('GET', `${kiosk}/api/status`)).health.backlog.depth).toBe(0)
    })
  })
})

import { codecs, type Event, type Heartbeat, PROTOCOL_VERSION, stationTopic } from '@ejia/protocol'
import { newJournalKey } from '@ejia/protocol/chain'
import type { Browser, Page } from 'playwright-core'
import { createServer, type ViteDevServer } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveBrowser, launchChromium } from '../helpers/browser.js'
import { makeDistrict } from '../helpers/district.js'
import { operatorAuth, startTestHub, TEST_ADMIN, type TestHub } from '../helpers/hub.js'
import { checkinEvent, connectStation, type StationClient, signedChain } from '../helpers/mqtt.js'
import { freePort } from '../helpers/net.js'
import { until } from '../helpers/wait.js'

const ROOT = new URL('../../', import.meta.url).pathname
const DASHBOARD = `${ROOT}hub/dashboard/`
/** The simulated kiosks announce a 1 s heartbeat, so the hub calls them offline 2.5 s after the last one. */
const INTERVAL_S = 1

/**
 * Issue 7, the operators' dashboard: the built dashboard served by a real hub, in headless
 * Chromium, with six stations in two towns (five reporting over MQTT, one never seen). Each
 * case does what an operator does at the screen and checks what the screen says.
 */
describe.skipIf(!haveBrowser)('the operators’ dashboard, served by a real hub', () => {
  const district = makeDistrict(6)
  const ids = district.configs.map((c) => c.station.id)
  const townOf = new Map(district.configs.map((c) => [c.station.id, c.station.townCode]))
  const secret = (id: string) => district.configs.find((c) => c.station.id === id)?.hub.password as string
  const [a1, b1, a2, b2, a3, b3] = ids as [string, string, string, string, string, string]
  const townA = townOf.get(a1) as string
  const reporting = [a1, b1, a2, b2, a3]
  // the hub's clock: Friday 2026-11-27 09:30 in China when the test starts, then running
  const offset = Date.parse('2026-11-27T01:30:00Z') - Date.now()
  const hubNow = () => Date.now() + offset
  let hub: TestHub
  let browser: Browser
  const kiosks = new Map<string, { client: StationClient; timer: NodeJS.Timeout }>()

  const heartbeat = (): Heartbeat => ({
    time: new Date(hubNow()).toISOString(),
    bootedAt: '2026-11-27T00:00:00.000Z',
    intervalS: INTERVAL_S,
    lastSeq: 0,
    backlog: { depth: 0, oldestUnsentAt: null, oldestUnsentAgeS: null, deadLetters: 0 },
    versions: { agent: '0.1.0', protocol: PROTOCOL_VERSION, config: 'cfg-e2e' },
    faults: [],
  })
  /** A kiosk that logs in, says it is online and sends a heartbeat every INTERVAL_S. */
  const startKiosk = async (id: string) => {
    const client = await connectStation(hub.mqttUrl, id, secret(id))
    const status = { state: 'online', reason: 'connected', since: new Date(hubNow()).toISOString() }
    await client.client.publishAsync(stationTopic(id, 'status'), JSON.stringify(status), {
      qos: 1,
      retain: true,
    })
    const beat = () =>
      void client.client.publishAsync(stationTopic(id, 'heartbeat'), JSON.stringify(heartbeat()), { qos: 0 })
    beat()
    kiosks.set(id, { client, timer: setInterval(beat, INTERVAL_S * 1000) })
  }
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${hub.api}${path}`, {
      ...init,
      headers: { ...hub.auth, 'content-type': 'application/json', ...(init.headers ?? {}) },
    })
    return { status: res.status, body: (await res.json()) as any }
  }
  const loginPage = async (username: string, password: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
    const page = await context.newPage()
    await page.goto(`${hub.api}/`)
    await page.waitForFunction(() => document.body.dataset.page === 'login')
    await page.fill('input[name="username"]', username)
    await page.fill('input[name="password"]', password)
    await page.click('button[type="submit"]')
    return page
  }
  const rowStatus = (page: Page, id: string) =>
    page.locator(`[data-testid="station-row"][data-station="${id}"]`).getAttribute('data-status')

  beforeAll(async () => {
    hub = await startTestHub(district.registry, {
      now: hubNow,
      dutyWatch: { checkEveryMs: 100, holdMs: 300 },
    })
    // a rota at a1 from 09:00 with nobody clocked in: unmanned, and an alarm after the hold
    const patterns = [1, 2, 3, 4, 5].map((weekday) => ({
      weekday,
      start: '09:00',
      end: '17:00',
      personIds: [`${a1}-c001`],
    }))
    expect(
      (await api(`/api/duty/schedules/${a1}`, { method: 'PUT', body: JSON.stringify({ patterns }) })).status,
    ).toBe(200)
    for (const id of reporting) await startKiosk(id)
    browser = await launchChromium()
  })
  afterAll(async () => {
    for (const k of kiosks.values()) {
      clearInterval(k.timer)
      await k.client.close()
    }
    await browser?.close()
    await hub?.stop()
  })

  it('serves the dashboard publicly, answers its own paths with it, and keeps the API closed', async () => {
    for (const path of ['/', '/fleet', '/alarms']) {
      const res = await fetch(`${hub.api}${path}`)
      expect(res.status, path).toBe(200)
      expect(await res.text(), path).toContain('<div id="app">')
    }
    expect((await fetch(`${hub.api}/api/fleet/stream`)).status).toBe(401)
    expect((await fetch(`${hub.api}/api/no-such-route`)).status).toBe(401)
  })

  it('refuses a wrong password on the login page', async () => {
    const page = await loginPage(TEST_ADMIN.username, 'not-the-password')
    await expect
      .poll(() => page.getByTestId('login-error').textContent(), { timeout: 5000 })
      .toBe('用户名或密码不正确')
    await page.context().close()
  })

  it('shows the fleet live: stations online, one going offline by timeout without a reload', async () => {
    const page = await loginPage(TEST_ADMIN.username, TEST_ADMIN.password)
    await page.waitForFunction(() => document.body.dataset.page === 'fleet')
    expect(await page.getByTestId('operator-scope').textContent()).toContain('区级')
    await until('every reporting station online', async () => {
      for (const id of reporting) if ((await rowStatus(page, id)) !== 'online') return undefined
      return true
    })
    expect(await rowStatus(page, b3)).toBe('never')
    expect(await page.getByTestId('summary-online').locator('.tile-value').textContent()).toBe('5')
    expect(await page.getByTestId('summary-never').locator('.tile-value').textContent()).toBe('1')
    expect(await page.locator('[data-testid="town-row"]').count()).toBe(2)

    // b2's agent hangs: no more heartbeats, no message at all; the link stays up
    const silentAt = Date.now()
    clearInterval(kiosks.get(b2)?.timer)
    const offline = page.locator(`[data-testid="station-row"][data-station="${b2}"][data-status="offline"]`)
    await offline.waitFor({ timeout: 15_000 })
    const tookS = (Date.now() - silentAt) / 1000
    expect(await offline.getByTestId('station-status').textContent()).toBe('离线 · 心跳超时')
    // 2.5 intervals, plus the sweep (1 s), the stream’s coalescing (1 s), and slack for a busy machine
    expect(tookS).toBeLessThan(2.5 * INTERVAL_S + 6)
    expect(await page.getByTestId('summary-offline').locator('.tile-value').textContent()).toBe('1')
    // the others stayed online, and filtering by status shows just the one
    expect(await rowStatus(page, a1)).toBe('online')
    await page.getByTestId('filter-status').selectOption('offline')
    await expect.poll(() => page.locator('[data-testid="station-row"]').count()).toBe(1)
    await page.getByTestId('filter-status').selectOption('all')
    console.log(JSON.stringify({ offlineShownAfterS: tookS }))
    await page.context().close()
  })

  it('shows a town operator their town only', async () => {
    await operatorAuth(hub, { username: 'town-a', tier: 'town', scope: townA })
    const page = await loginPage('town-a', 'town-a-password')
    await page.waitForFunction(() => document.body.dataset.page === 'fleet')
    await until('the town’s stations', async () =>
      (await page.locator('[data-testid="station-row"]').count()) === 3 ? true : undefined,
    )
    const shown = await page
      .locator('[data-testid="station-row"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-station')))
    expect(shown.sort()).toEqual([a1, a2, a3].sort())
    expect(await page.locator('[data-testid="town-row"]').count()).toBe(1)
    expect(await page.getByTestId('operator-scope').textContent()).toContain('城关镇')
    await page.context().close()
  })

  it('shows the unmanned alarm and acknowledges it from the screen', async () => {
    const alarm = await until('the unmanned alarm at a1', async () => {
      const r = await api(`/api/alarms?station=${a1}&active=true`)
      return r.body.alarms?.find((a: any) => a.kind === 'unmanned')
    })
    const page = await loginPage(TEST_ADMIN.username, TEST_ADMIN.password)
    await page.waitForFunction(() => document.body.dataset.page === 'fleet')
    await page.getByTestId('nav-alarms').click()
    await page.waitForFunction(() => document.body.dataset.page === 'alarms')
    expect(new URL(page.url()).pathname).toBe('/alarms')
    const row = page.locator(`[data-testid="alarm-row"][data-alarm="${alarm.id}"]`)
    await row.waitFor()
    expect(await row.locator('td').first().textContent()).toBe('无人值守')
    await row.getByTestId('alarm-ack').click()
    await row.getByTestId('alarm-acked').waitFor()
    expect(await row.getByTestId('alarm-acked').textContent()).toContain('admin')
    const after = (await api(`/api/alarms?station=${a1}`)).body.alarms.find((a: any) => a.id === alarm.id)
    expect(after.ackedBy).toBe(TEST_ADMIN.username)

    // the duty view shows a1 unmanned; logging out brings the login back
    await page.getByTestId('nav-duty').click()
    const duty = page.locator(`[data-testid="duty-row"][data-station="${a1}"]`)
    await duty.waitFor()
    expect(await duty.getAttribute('class')).toContain('unmanned')
    // and says who: the cadre of the shift, not in past grace
    const cadre = duty.locator('[data-testid="duty-person"]')
    expect(await cadre.getAttribute('data-state')).toBe('absent')
    expect(await cadre.textContent()).toContain('未到岗')
    await page.getByTestId('logout').click()
    await page.waitForFunction(() => document.body.dataset.page === 'login')
    await page.reload()
    await page.waitForFunction(() => document.body.dataset.page === 'login')
    await page.context().close()
  })

  it('lists what the chain check found, and lets a district operator re-pin a reinstalled kiosk', async () => {
    // a1's kiosk: a signed batch with one event edited after signing; then, "reinstalled", a new key
    const kiosk = kiosks.get(a1)?.client as StationClient
    const send = async (events: Event[], key: string) => {
      const ack = kiosk.nextAck()
      const batch = { sentAt: new Date(hubNow()).toISOString(), key, events }
      await kiosk.client.publishAsync(stationTopic(a1, 'events'), codecs.events.encode(batch), { qos: 1 })
      return ack
    }
    const first = newJournalKey()
    const [one, two] = signedChain([checkinEvent(a1, 1), checkinEvent(a1, 2)], first)
    const edited = { ...two, body: { personId: `${a1}-m009`, method: 'card' } } as Event
    expect((await send([one as Event, edited], first.publicKey)).rejected.map((r) => r.code)).toEqual([
      'badSignature',
    ])
    const second = newJournalKey()
    const third = signedChain([checkinEvent(a1, 3)], second)
    // held: no ack comes for it, so none is awaited
    const publishThird = () =>
      kiosk.client.publishAsync(
        stationTopic(a1, 'events'),
        codecs.events.encode({
          sentAt: new Date(hubNow()).toISOString(),
          key: second.publicKey,
          events: third,
        }),
        { qos: 1 },
      )
    await publishThird()
    await until('the key change found', async () => {
      const r = await api(`/api/integrity?station=${a1}`)
      return r.body.findings?.some((f: any) => f.kind === 'keyChanged') ? true : undefined
    })

    const page = await loginPage(TEST_ADMIN.username, TEST_ADMIN.password)
    await page.waitForFunction(() => document.body.dataset.page === 'fleet')
    await page.getByTestId('nav-alarms').click()
    await page.getByTestId('alarms-tab-integrity').click()
    const rows = page.locator(`[data-testid="integrity-row"][data-station="${a1}"]`)
    await rows.first().waitFor()
    const kinds = await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-kind')))
    expect(kinds).toEqual(['keyChanged', 'badSignature', 'keyPinned'])
    const bad = page.locator(`[data-testid="integrity-row"][data-kind="badSignature"]`)
    expect(await bad.locator('td').nth(2).textContent()).toBe('签名不符（被改动）')
    expect(await bad.getByTestId('integrity-event').textContent()).toContain(`${a1}-m009`)
    // the held event comes in once the new key is pinned
    page.once('dialog', (d) => void d.accept('一体机硬盘损坏，镇上重装，已电话核实'))
    await page
      .locator('[data-testid="integrity-row"][data-kind="keyChanged"]')
      .getByTestId('integrity-repin')
      .click()
    await until('the audit of the re-pin', async () => {
      const r = await api('/api/audit?limit=20')
      return r.body.entries.find((e: any) => e.action === 'station.journalKey.reset')
    })
    const again = kiosk.nextAck()
    await publishThird()
    expect((await again).accepted).toEqual([third[0]?.id])
    await page.context().close()
  })
})

/**
 * 5,000 stations: the fleet view on `vite dev` against the fake hub (hub/dashboard/dev), fed
 * a snapshot of a synthetic district that keeps reporting. Only a window of rows is in the
 * DOM, and a filter answers promptly; the config page's tables show a page of rows at a time.
 * Figures of speed belong in bench/; the limits here are generous, to catch a table that
 * renders every row.
 */
describe.skipIf(!haveBrowser)('the dashboard with 5,000 stations', () => {
  let server: ViteDevServer
  let browser: Browser
  let base: string

  beforeAll(async () => {
    process.env.EJIA_FAKE_STATIONS = '5000'
    const port = await freePort()
    server = await createServer({
      root: DASHBOARD,
      configFile: `${DASHBOARD}vite.config.ts`,
      mode: 'fake',
      logLevel: 'warn',
      server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null },
    })
    await server.listen()
    base = `http://127.0.0.1:${port}`
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    delete process.env.EJIA_FAKE_STATIONS
  })

  it('keeps only a window of rows in the DOM and filters promptly', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await page.goto(base)
    await page.waitForFunction(() => document.body.dataset.page === 'login', undefined, { timeout: 30_000 })
    await page.fill('input[name="username"]', 'admin')
    await page.fill('input[name="password"]', 'any-password')
    await page.click('button[type="submit"]')
    await page.waitForFunction(
      () => document.querySelector('[data-testid="summary-total"] .tile-value')?.textContent === '5000',
      undefined,
      { timeout: 30_000 },
    )
    const rows = () => page.locator('[data-testid="station-row"]').count()
    const inDom = await rows()
    expect(inDom).toBeGreaterThan(10)
    expect(inDom).toBeLessThan(100)

    // scrolled to the bottom, the last town's last stations are drawn, and still only a window
    await page.getByTestId('fleet-grid').evaluate((el) => {
      el.scrollTop = el.scrollHeight
    })
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="station-row"]')].some((r) =>
        r.getAttribute('data-station')?.startsWith('339901015'),
      ),
    )
    expect(await rows()).toBeLessThan(100)

    // a filter: typed, and the table and the count follow
    const started = Date.now()
    await page.getByTestId('filter-text').fill('339901003')
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="shown-count"]')?.textContent?.startsWith('显示 334 /'),
    )
    const filterMs = Date.now() - started
    const shown = await page
      .locator('[data-testid="station-row"]')
      .evaluateAll((r) => r.map((x) => x.getAttribute('data-station') ?? ''))
    expect(shown.length).toBeGreaterThan(0)
    expect(shown.every((id) => id.startsWith('339901003'))).toBe(true)
    expect(filterMs).toBeLessThan(2000)

    // sorting by backlog puts the biggest first (within each town)
    await page.getByTestId('filter-text').fill('')
    await page.getByTestId('filter-backlog').check()
    const sortStarted = Date.now()
    await page.getByTestId('sort-backlog').click()
    await page.getByTestId('sort-backlog').click()
    expect(await page.getByTestId('sort-backlog').textContent()).toContain('▼')
    const sortMs = Date.now() - sortStarted
    expect(sortMs).toBeLessThan(2000)
    // live updates keep arriving while all this happens, and the DOM stays a window
    expect(await rows()).toBeLessThan(100)
    console.log(JSON.stringify({ rowsInDom: inDom, filterMs, sortMs }))
  })

  it('pages the config and command tables: a page of rows in the DOM, filters back to the first', {
    timeout: 60_000,
  }, async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await page.goto(`${base}/config`)
    // the fake hub keeps one login for every page, so the fleet case may have logged in already
    await page.waitForFunction(
      () => ['login', 'config'].includes(document.body.dataset.page ?? ''),
      undefined,
      {
        timeout: 30_000,
      },
    )
    if ((await page.evaluate(() => document.body.dataset.page)) === 'login') {
      await page.fill('input[name="username"]', 'admin')
      await page.fill('input[name="password"]', 'any-password')
      await page.click('button[type="submit"]')
      await page.waitForFunction(() => document.body.dataset.page === 'config')
    }
    const configRows = page.locator('[data-testid="config-row"]')
    const ids = () => configRows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-station') ?? ''))
    const pager = page.getByTestId('config-pager')
    await configRows.first().waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('config-shown').textContent()).toBe('显示 5000 / 共 5000 个站点')
    expect(await page.getByTestId('config-pager-at').textContent()).toBe(
      '第 1 / 50 页 · 第 1–100 条，共 5000 条',
    )
    const first = await ids()
    expect(first).toHaveLength(100)
    expect(first).toEqual([...first].sort())

    // the next page has the next hundred, under its town's heading again
    await page.getByTestId('config-pager-next').click()
    await page.locator('[data-testid="config-pager"][data-page="2"]').waitFor()
    const second = await ids()
    expect(second).toHaveLength(100)
    expect((second[0] ?? '') > (first.at(-1) ?? '')).toBe(true)
    expect(await page.locator('[data-testid="config-town"]').count()).toBeGreaterThanOrEqual(1)

    // a filter starts again at its first page; its last page has what is left
    await page.getByTestId('config-filter-text').fill('339901003')
    await expect.poll(() => pager.getAttribute('data-page')).toBe('1')
    expect(await page.getByTestId('config-shown').textContent()).toBe('显示 334 / 共 5000 个站点')
    await page.getByTestId('config-pager-last').click()
    await page.locator('[data-testid="config-pager"][data-page="4"][data-pages="4"]').waitFor()
    const last = await ids()
    expect(last).toHaveLength(34)
    expect(last.every((id) => id.startsWith('339901003'))).toBe(true)
    expect(await page.getByTestId('config-pager-next').isDisabled()).toBe(true)

    // a command to the whole district: 5,000 rows to follow, a page of them drawn
    await page.getByTestId('control-tab-commands').click()
    await page.getByTestId('command-target-all').check()
    await page.getByTestId('command-name').selectOption('restartAgent')
    await page.getByTestId('command-submit').click()
    await page.getByTestId('command-confirm-yes').click()
    await page.locator('[data-testid="command-pager"][data-pages="51"]').waitFor({ timeout: 20_000 })
    expect(await page.locator('[data-testid="command-row"]').count()).toBe(100)
    await page.getByTestId('command-pager-next').click()
    await page.locator('[data-testid="command-pager"][data-page="2"]').waitFor()
    await page.getByTestId('command-filter-text').fill('339901003')
    await page.locator('[data-testid="command-pager"][data-page="1"][data-pages="4"]').waitFor()
    const commanded = await page
      .locator('[data-testid="command-row"]')
      .evaluateAll((rs) => rs.map((r) => r.getAttribute('data-station') ?? ''))
    expect(commanded).toHaveLength(100)
    expect(commanded.every((id) => id.startsWith('339901003'))).toBe(true)
    await page.close()
  })
})

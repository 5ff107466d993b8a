import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type EdgeHandle, startEdge } from '@ejia/edge'
import pino from 'pino'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveBrowser, launchChromium } from '../helpers/browser.js'
import { makeDistrict } from '../helpers/district.js'
import { type BearerAuth, operatorAuth, startTestHub, type TestHub } from '../helpers/hub.js'
import { until } from '../helpers/wait.js'

const log = pino({ level: 'silent' })
const MISSING_PORT = '/dev/ttyEJIA-missing'
/** What the push through the page sets: one field of the uplink, the duty and the screen sections. */
const PUSHED = { uplink: { heartbeatIntervalS: 2 }, duty: { graceLateMin: 10 }, ui: { idleTimeoutS: 60 } }

interface ConfigRow {
  stationId: string
  state: string
  appliedVersion: number
  desired: { version: number; issuedBy: string; settings: Record<string, unknown> } | null
  problems: { path: string; message: string }[]
}

/**
 * Issue 7, 配置与指令 in the dashboard: a real hub and four real kiosks in-process (two towns)
 * over MQTT, as test/integration/remoteConfig.test.ts has them, and a town operator at the
 * built dashboard in headless Chromium. A config pushed to the town through the page is
 * reported applied by its kiosks; a push the kiosk rejects shows its reason; a command shows
 * its acknowledgement and its result. The screen and the hub's API are both checked.
 */
describe.skipIf(!haveBrowser)('the dashboard’s config and commands, against real kiosks', () => {
  const district = makeDistrict(4)
  const [a1, b1, a2, b2] = district.configs.map((c) => c.station.id) as [string, string, string, string]
  const townA = district.configs[0]?.station.townCode as string
  let hub: TestHub
  let browser: Browser
  let page: Page
  const edges = new Map<string, EdgeHandle>()

  const startKiosk = async (stationId: string) => {
    const config = structuredClone(district.configs.find((c) => c.station.id === stationId)!)
    config.hub.mqttUrl = hub.mqttUrl
    config.dataDir = mkdtempSync(join(tmpdir(), 'ejia-kiosk-'))
    config.localApi.port = 0
    config.uplink.reconnectPeriodS = 0.3
    config.uplink.heartbeatIntervalS = 1
    edges.set(stationId, await startEdge(config, { log }))
  }
  const api = async (path: string, init: RequestInit = {}, auth: BearerAuth = hub.auth) => {
    const res = await fetch(`${hub.api}${path}`, {
      ...init,
      headers: { ...auth, 'content-type': 'application/json', ...(init.headers ?? {}) },
    })
    return { status: res.status, body: (await res.json()) as any }
  }
  const configOf = async (id: string): Promise<ConfigRow> =>
    (await api(`/api/config?station=${id}`)).body.stations[0]
  const stationOf = async (id: string) =>
    (await api(`/api/stations/${id}`)).body as {
      heartbeatIntervalS: number | null
      versions: { config: string; roster?: string } | null
    }
  const loginPage = async (username: string): Promise<Page> => {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    })
    const p = await context.newPage()
    await p.goto(`${hub.api}/config`)
    await p.waitForFunction(() => document.body.dataset.page === 'login')
    await p.fill('input[name="username"]', username)
    await p.fill('input[name="password"]', `${username}-password`)
    await p.click('button[type="submit"]')
    await p.waitForFunction(() => document.body.dataset.page === 'config')
    return p
  }
  const row = (id: string) => page.locator(`[data-testid="config-row"][data-station="${id}"]`)
  const rowIs = (id: string, state: string, desired: number, applied: number) =>
    page
      .locator(
        `[data-testid="config-row"][data-station="${id}"][data-state="${state}"][data-desired="${desired}"][data-applied="${applied}"]`,
      )
      .waitFor({ timeout: 20_000 })

  beforeAll(async () => {
    hub = await startTestHub(district.registry, { rosterSync: { resendAfterMs: 2000 } })
    await operatorAuth(hub, { username: 'town-a', tier: 'town', scope: townA })
    await operatorAuth(hub, { username: 'cadre-a1', tier: 'station', scope: a1 })
    const people = [a1, a2, b1, b2].map((s) => ({
      personId: `${s}-c1`,
      stationId: s,
      name: '书记',
      roles: ['cadre', 'member'],
    }))
    expect((await api('/api/people', { method: 'PUT', body: JSON.stringify({ people }) })).status).toBe(200)
    ;[browser] = await Promise.all([launchChromium(), ...[a1, b1, a2, b2].map(startKiosk)])
    await until('every kiosk to hold its roster', async () => {
      const rows = await Promise.all([a1, b1, a2, b2].map(stationOf))
      return rows.every((r) => r.versions?.roster !== undefined && r.versions.roster !== '0')
        ? true
        : undefined
    })
    page = await loginPage('town-a')
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    for (const e of edges.values()) await e.stop()
    await hub?.stop()
  })

  it('pushes a config to the town through the page; its kiosks report it applied', {
    timeout: 40_000,
  }, async () => {
    await row(a1).waitFor()
    expect(
      await page
        .locator('[data-testid="config-row"]')
        .evaluateAll((rs) => rs.map((r) => r.getAttribute('data-station'))),
    ).toEqual([a1, a2])
    expect(await row(a1).getAttribute('data-state')).toBe('none')

    // slips are caught on the page, with the bounds; a setting the hub refuses is shown with
    // the hub's reason
    await page.getByTestId('push-field-uplink.heartbeatIntervalS').fill('0')
    await page.getByTestId('push-field-ui.idleTimeoutS').fill('3')
    await page.getByTestId('push-submit').click()
    await expect
      .poll(() => page.getByTestId('push-client-problems').textContent())
      .toContain('/uplink/heartbeatIntervalS')
    expect(await page.getByTestId('push-client-problems').textContent()).toContain(
      '/ui/idleTimeoutS 超出允许范围（5–600）',
    )
    expect(await page.getByTestId('push-confirm').count()).toBe(0)
    await page.getByTestId('push-field-uplink.heartbeatIntervalS').fill('2')
    await page.getByTestId('push-field-ui.idleTimeoutS').fill('60')
    await page.getByTestId('push-field-duty.graceLateMin').fill('10')
    await page.getByTestId('push-json').fill('{"uplink": {"ackTimeoutS": 0}}')
    await page.getByTestId('push-submit').click()
    await page.getByTestId('push-confirm-yes').click()
    await expect.poll(() => page.getByTestId('push-refused').textContent()).toContain('/uplink/ackTimeoutS')
    expect((await configOf(a1)).desired).toBeNull()

    // the real push: to the town, confirmed with its count
    await page.getByTestId('push-json').fill('')
    await page.getByTestId('push-submit').click()
    expect(await page.getByTestId('push-confirm').textContent()).toContain('2 个站点')
    await page.getByTestId('push-confirm-yes').click()
    await rowIs(a1, 'applied', 1, 1)
    await rowIs(a2, 'applied', 1, 1)
    expect(await row(a1).getByTestId('config-state').textContent()).toBe('已生效')
    expect(await page.getByTestId('push-done').textContent()).toContain('2 个站点')

    // the hub recorded what the form had set, and nothing it left empty; the other town was
    // not touched
    for (const id of [a1, a2]) {
      const hubSays = await configOf(id)
      expect(hubSays).toMatchObject({
        state: 'applied',
        appliedVersion: 1,
        desired: { version: 1, issuedBy: 'town-a' },
      })
      expect(hubSays.desired?.settings).toEqual(PUSHED)
    }
    for (const id of [b1, b2]) expect(await configOf(id)).toMatchObject({ state: 'none', desired: null })
    await until('a1 heartbeats every 2 s', async () =>
      (await stationOf(a1)).heartbeatIntervalS === 2 ? true : undefined,
    )
    expect((await stationOf(b1)).heartbeatIntervalS).toBe(1)
    // and the kiosk runs on them: its screen settings (GET /api/ui-settings) have the new values
    const uiSettings = async (id: string) =>
      (await (await fetch(`${edges.get(id)?.localApiUrl}/api/ui-settings`)).json()) as {
        ui: { idleTimeoutS: number }
        duty: { graceLateMin: number }
      }
    await until('a2’s screen settings to follow the push', async () =>
      (await uiSettings(a2)).ui.idleTimeoutS === 60 ? true : undefined,
    )
    expect(await uiSettings(a2)).toMatchObject({ ui: { idleTimeoutS: 60 }, duty: { graceLateMin: 10 } })
    const b1File = district.configs.find((c) => c.station.id === b1)
    expect(await uiSettings(b1)).toMatchObject({
      ui: { idleTimeoutS: b1File?.ui.idleTimeoutS },
      duty: { graceLateMin: b1File?.duty.graceLateMin },
    })
    expect(await page.locator('[data-testid="config-town"]').count()).toBe(1)
    expect(await page.locator('[data-testid="config-push"][data-by="town-a"]').count()).toBe(1)
  })

  it('shows the kiosk’s reason for a config it rejects; the kiosk keeps its version', {
    timeout: 30_000,
  }, async () => {
    await page.getByTestId('push-target-station').check()
    await page.getByTestId('push-target-pick-station').selectOption(a1)
    // the form starts from what a1 has now
    await expect.poll(() => page.getByTestId('push-field-uplink.heartbeatIntervalS').inputValue()).toBe('2')
    expect(await page.getByTestId('push-field-duty.graceLateMin').inputValue()).toBe('10')
    expect(await page.getByTestId('push-field-ui.idleTimeoutS').inputValue()).toBe('60')
    expect(await page.getByTestId('push-json').inputValue()).toBe('')
    await page
      .getByTestId('push-json')
      .fill(JSON.stringify({ devices: [{ name: 'card', profile: 'rdm6300', port: MISSING_PORT }] }))
    await page.getByTestId('push-submit').click()
    await rowIs(a1, 'rejected', 2, 1)
    const problem = row(a1).locator('[data-testid="config-problem"][data-path="/devices/0/port"]')
    expect(await problem.textContent()).toBe(`/devices/0/port no serial device ${MISSING_PORT} on this kiosk`)
    expect(await row(a1).getByTestId('config-problems').textContent()).toContain('仍运行 v1')
    expect(await row(a2).getAttribute('data-state')).toBe('applied')

    const hubSays = await configOf(a1)
    expect(hubSays).toMatchObject({ state: 'rejected', appliedVersion: 1, desired: { version: 2 } })
    // what the form was filled with went again, beside the JSON
    expect(hubSays.desired?.settings).toEqual({
      ...PUSHED,
      devices: [{ name: 'card', profile: 'rdm6300', port: MISSING_PORT }],
    })
    expect(hubSays.problems).toEqual([
      { path: '/devices/0/port', message: `no serial device ${MISSING_PORT} on this kiosk` },
    ])
    const a1Now = await stationOf(a1)
    expect(a1Now.versions?.config.endsWith('+r1')).toBe(true)
    expect(a1Now.heartbeatIntervalS).toBe(2)

    // a village cadre reads their station's state, and is offered nothing to push
    const cadre = await loginPage('cadre-a1')
    await cadre.locator(`[data-testid="config-row"][data-station="${a1}"][data-state="rejected"]`).waitFor()
    expect(await cadre.locator('[data-testid="config-row"]').count()).toBe(1)
    expect(await cadre.getByTestId('push-form').count()).toBe(0)
    expect(await cadre.getByTestId('control-read-only').isVisible()).toBe(true)
    await cadre.context().close()
  })

  it('sends a command from the page and shows it accepted, then its result', {
    timeout: 30_000,
  }, async () => {
    await page.getByTestId('control-tab-commands').click()
    await page.getByTestId('command-target-station').check()
    await page.getByTestId('command-target-pick-station').selectOption(a1)
    await page.getByTestId('command-name').selectOption('resyncRoster')
    // every state the row shows, in order
    await page.evaluate(() => {
      const seen: string[] = []
      ;(window as unknown as { seen: string[] }).seen = seen
      new MutationObserver(() => {
        const state = document.querySelector('[data-testid="command-row"]')?.getAttribute('data-state')
        if (state && seen.at(-1) !== state) seen.push(state)
      }).observe(document.body, { subtree: true, childList: true, attributes: true })
    })
    await page.getByTestId('command-submit').click()
    expect(await page.getByTestId('command-confirm').textContent()).toContain('1 个站点')
    await page.getByTestId('command-confirm-yes').click()
    const done = page.locator(
      `[data-testid="command-row"][data-station="${a1}"][data-name="resyncRoster"][data-state="succeeded"]`,
    )
    await done.waitFor({ timeout: 20_000 })
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen)
    const order = ['pending', 'accepted', 'succeeded']
    expect(seen.at(-1)).toBe('succeeded')
    expect(seen.map((s) => order.indexOf(s))).toEqual([...seen.map((s) => order.indexOf(s))].sort())

    const [hubSays] = (await api(`/api/commands?station=${a1}`)).body.commands
    expect(hubSays).toMatchObject({ name: 'resyncRoster', state: 'succeeded', issuedBy: 'town-a' })
    expect(hubSays.acceptedAt).not.toBeNull()
    expect(hubSays.detail).toMatch(/^full roster version \d+ applied: 1 people$/)
    expect(await done.getByTestId('command-detail').textContent()).toBe(hubSays.detail)
    const progress = (await done.getByTestId('command-progress').textContent()) ?? ''
    expect(progress).toMatch(/\d\d:\d\d:\d\d 接受/)
    expect(progress).toMatch(/\d\d:\d\d:\d\d 成功/)
    expect(await done.getByTestId('command-state').textContent()).toBe('成功')
  })

  it('sends forgetFace with the person and the reason from the form; a kiosk holding no template says so', {
    timeout: 30_000,
  }, async () => {
    await page.getByTestId('control-tab-commands').click()
    await page.getByTestId('command-target-station').check()
    await page.getByTestId('command-target-pick-station').selectOption(a1)
    await page.getByTestId('command-name').selectOption('forgetFace')
    await page.getByTestId('command-forget-person').fill(`${a1}-m001`)
    await page.getByTestId('command-forget-reason').selectOption('leftVillage')
    await page.getByTestId('command-submit').click()
    await page.getByTestId('command-confirm-yes').click()
    const done = page.locator(
      `[data-testid="command-row"][data-station="${a1}"][data-name="forgetFace"][data-state="succeeded"]`,
    )
    await done.waitFor({ timeout: 20_000 })
    const [hubSays] = (await api(`/api/commands?station=${a1}`)).body.commands
    expect(hubSays).toMatchObject({
      name: 'forgetFace',
      args: { personId: `${a1}-m001`, reason: 'leftVillage' },
      issuedBy: 'town-a',
    })
    expect(await done.getByTestId('command-detail').textContent()).toBe(
      `no face template of ${a1}-m001 on this kiosk: nothing to delete`,
    )
  })
})

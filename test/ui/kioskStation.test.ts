import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { ViteDevServer } from 'vite'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FAKE_CONFIG } from '../../kiosk-ui/dev/fakeConfig.js'
import type { KioskStatus, Today } from '../../kiosk-ui/src/api/types.js'
import { haveBrowser, launchChromium } from '../helpers/browser.js'
import { checkRules, fakeControls, type RuleBreak, startKioskDev, typeKeys } from './kioskPage.js'

const station = FAKE_CONFIG.station.id
const otherStation = '339901001002'
/** The enrolment sheet's code (firmware-config enrolmentText), as a USB scanner types it. */
const sheet = (stationId: string) =>
  `ejia-enrol:v1?station=${stationId}&hub=${encodeURIComponent(FAKE_CONFIG.hub)}`

/**
 * What the kiosk screens say about the station itself, against the fake agent under `vite dev`:
 * the enrolment sheet's code checked from the admin screen's field (typed, pasted, or typed by a
 * USB barcode scanner, which ends with Enter), and the next theme day on a day with no plan.
 */
describe.skipIf(!haveBrowser)('kiosk UI: the enrolment code field and the theme day', () => {
  let server: ViteDevServer
  let fake: ReturnType<typeof fakeControls>
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let url: string
  const broken: RuleBreak[] = []

  const screen = (p: Page, name: string, timeout = 5000) =>
    p.waitForFunction((n) => document.body.dataset.screen === n, name, { timeout })
  const testId = (id: string) => page.getByTestId(id)
  const openIdle = async (p: Page) => {
    await p.goto(url)
    await screen(p, 'idle', 15_000)
    await p.waitForFunction(
      () => document.querySelector('[data-testid="station-name"]')?.textContent === '肖家沟村',
    )
  }
  const openAdmin = async () => {
    await testId('go-admin').click()
    await screen(page, 'admin')
    await typeKeys(page, 'c001')
    await page.click('[data-key="ok"]')
    await typeKeys(page, '2580')
    await page.click('[data-key="ok"]')
    await testId('admin-enrol-code').waitFor()
  }
  /** What a USB scanner does: the keystrokes of the code into whatever has the focus, then Enter. */
  const scanWithUsbScanner = async (text: string) => {
    await page.keyboard.type(text)
    await page.keyboard.press('Enter')
  }
  const enrolmentFaults = async () => {
    const s = (await (await fetch(new URL('api/status', url))).json()) as KioskStatus
    return s.health.faults.filter((f) => f.device === 'enrolment').map((f) => f.code)
  }

  beforeAll(async () => {
    const dev = await startKioskDev()
    server = dev.server
    fake = fakeControls(dev.base)
    url = `${dev.base}/?quiet=1&idleMs=30000&resultMs=30000`
    browser = await launchChromium()
    context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    })
    page = await context.newPage()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  beforeEach(async () => {
    await fake.reset()
    await openIdle(page)
    await expect.poll(async () => (await fake.state()).streamClients, { timeout: 5000 }).toBeGreaterThan(0)
  })

  it("checks the sheet's code typed into the admin screen: the wrong station's, then this kiosk's", async () => {
    await openAdmin()
    // the field has the focus as the screen opens: a scanner's keystrokes need no touch first
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('enrol-code-input')
    broken.push(...(await checkRules(page)))
    // the answer comes twice, as the POST's and on the stream: the screen must open once
    await page.evaluate(() => {
      const w = window as unknown as { enrolScreens: number }
      w.enrolScreens = 0
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of r.addedNodes)
            if (n instanceof Element && n.matches('[data-testid="enrol-check"]')) w.enrolScreens++
      }).observe(document.body, { childList: true, subtree: true })
    })

    await scanWithUsbScanner(sheet(otherStation))
    await screen(page, 'enrolCheck')
    expect(await testId('enrol-check-title').textContent()).toBe('登记表与本机不符')
    expect(await testId('enrol-check-problem').allTextContents()).toEqual([
      `本机安装的是站点 ${station}，登记表是站点 ${otherStation}`,
    ])
    expect(await testId('enrol-check').textContent()).toContain('请联系区里重新安装')
    broken.push(...(await checkRules(page)))
    await page.waitForTimeout(500)
    expect(await page.evaluate(() => (window as unknown as { enrolScreens: number }).enrolScreens)).toBe(1)
    expect(await enrolmentFaults()).toEqual(['enrolmentMismatch'])
    // a mismatch journals nothing: no enrolment, and no sign-in of the code
    expect((await fake.state()).journal).toEqual([])

    await testId('enrol-check-done').click()
    await screen(page, 'idle')
    await openAdmin()
    await page.getByTestId('enrol-code-input').fill(sheet(station)) // pasted, this time
    await testId('enrol-code-check').click()
    await page.waitForFunction(
      (text) => document.querySelector('[data-testid="enrol-check-title"]')?.textContent === text,
      `本机已登记为 ${station}`,
    )
    expect(await page.locator('[data-ok]').getAttribute('data-ok')).toBe('true')
    expect(await testId('enrol-check-problem').count()).toBe(0)
    const journal = (await fake.state()).journal
    expect(journal.map((e) => [e.type, e.body.device])).toEqual([['kiosk.enrolled', 'localApi']])
    expect(await enrolmentFaults()).toEqual([])
  })

  it('says in plain words why a code could not be checked, and stays on the admin screen', async () => {
    await openAdmin()
    const error = () => testId('enrol-code-error').textContent()

    await testId('enrol-code-check').click()
    await expect.poll(error).toBe('请先扫码或输入登记码')

    // a 400 from the agent, in the shape Fastify gives a body it refuses
    await page.route('**/api/enrol/check', (route) =>
      route.fulfill({
        status: 400,
        json: {
          statusCode: 400,
          code: 'FST_ERR_VALIDATION',
          error: 'Bad Request',
          message: 'body/payload must NOT have fewer than 1 characters',
        },
      }),
    )
    await scanWithUsbScanner(sheet(station))
    await expect.poll(error).toBe('这段文字不是登记码，请重新扫码或输入')
    await page.unroute('**/api/enrol/check')

    // the agent does not answer at all
    await page.route('**/api/enrol/check', (route) => route.abort('connectionrefused'))
    await testId('enrol-code-check').click()
    await expect.poll(error).toBe('连接本机服务失败，请再试一次')
    await page.unroute('**/api/enrol/check')

    expect(await page.evaluate(() => document.body.dataset.screen)).toBe('admin')
    const panel = (await testId('admin-enrol-code').textContent()) ?? ''
    expect(panel).not.toMatch(/Bad Request|FST_|Error|fetch/)
    broken.push(...(await checkRules(page)))
    expect((await fake.state()).journal).toEqual([])
  })

  it('names the next theme day on a day with no activity planned, and says so on the day', async () => {
    // the fake plans an activity for every day: with one on, the line is not there
    await expect.poll(() => testId('today').textContent()).toContain('主题党日：党员教育')
    expect(await testId('theme-day').count()).toBe(0)

    const quiet = await context.newPage()
    try {
      await quiet.route('**/api/today', async (route) => {
        const res = await route.fetch()
        const today = (await res.json()) as Today
        await route.fulfill({ response: res, json: { ...today, activities: [] } })
      })
      // the fake station's theme day is the 25th (its ui-settings, the config's default); the
      // browser's clock says 23:30 on 21 December in China, 15:30 UTC
      await quiet.clock.setFixedTime(new Date('2026-12-21T15:30:00Z'))
      await openIdle(quiet)
      const line = () => quiet.getByTestId('theme-day').textContent()
      await expect.poll(line).toBe('下次主题党日：12月25日（还有 4 天）')
      expect(await quiet.getByTestId('today').textContent()).toContain('今天没有安排活动')
      broken.push(...(await checkRules(quiet)))

      // past midnight in China, though not in UTC: a day less
      await quiet.clock.setFixedTime(new Date('2026-12-21T16:30:00Z'))
      await expect.poll(line).toBe('下次主题党日：12月25日（还有 3 天）')
      await quiet.clock.setFixedTime(new Date('2026-12-25T09:00:00+08:00'))
      await expect.poll(line).toBe('今天是主题党日')
      // the day after, the next one is in January of the next year
      await quiet.clock.setFixedTime(new Date('2026-12-26T09:00:00+08:00'))
      await expect.poll(line).toBe('下次主题党日：1月25日（还有 30 天）')
    } finally {
      await quiet.close()
    }
  })

  it('kept the kiosk rules on the screens visited', () => {
    const unique = [...new Map(broken.map((b) => [`${b.rule} ${b.element}`, b])).values()]
    expect(unique).toEqual([])
  })
})

#!/usr/bin/env node
/**
 * `npm run screenshots:dashboard`: the operators' dashboard's main views at a control-centre
 * 1440×900, as PNGs in docs/screenshots/dashboard-*.png. It runs `vite dev` of hub/dashboard
 * against its fake hub (mode `fake`, as `npm run dev:fake -w hub/dashboard`): a synthetic
 * district of 500 stations in 15 towns that keeps reporting. Needs `npm run build` once (the
 * dashboard's types come from the hub's dist/) and Chromium (EJIA_CHROMIUM, default /usr/bin/chromium).
 */
import { mkdirSync } from 'node:fs'
import { createServer as netServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { createServer } from 'vite'

const root = fileURLToPath(new URL('..', import.meta.url))
const dashboard = `${root}hub/dashboard/`
const out = `${root}docs/screenshots/`

const port = await new Promise((resolve) => {
  const s = netServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address()
    s.close(() => resolve(port))
  })
})
process.env.EJIA_FAKE_STATIONS ??= '500'
const server = await createServer({
  root: dashboard,
  configFile: `${dashboard}vite.config.ts`,
  mode: 'fake',
  logLevel: 'warn',
  server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null },
})
await server.listen()
const base = `http://127.0.0.1:${port}`

const browser = await chromium.launch({
  executablePath: process.env.EJIA_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
})
const page = await browser.newPage({
  viewport: { width: 1440, height: 900 },
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
})
const onPage = (name) => page.waitForFunction((n) => document.body.dataset.page === n, name)
const shots = []
const shot = async (name) => {
  await page.waitForTimeout(300)
  await page.screenshot({ path: `${out}dashboard-${name}.png` })
  shots.push(`docs/screenshots/dashboard-${name}.png`)
}
mkdirSync(out, { recursive: true })

try {
  await page.goto(base)
  await onPage('login')
  await page.fill('input[name="username"]', 'admin')
  await page.fill('input[name="password"]', 'wrong')
  await page.click('button[type="submit"]')
  await page.getByTestId('login-error').waitFor()
  await shot('login')

  await page.fill('input[name="password"]', 'a-long-password')
  await page.click('button[type="submit"]')
  await onPage('fleet')
  await page.locator('[data-testid="station-row"]').first().waitFor()
  await shot('fleet')

  await page.getByTestId('summary-offline').click()
  await page.getByTestId('status-legend').locator('summary').click()
  await shot('fleet-offline')
  await page.getByTestId('status-legend').locator('summary').click()
  await page.getByTestId('summary-total').click()

  await page.getByTestId('nav-duty').click()
  await onPage('duty')
  await page.locator('[data-testid="duty-row"]').first().waitFor()
  await shot('duty')

  await page.getByTestId('nav-alarms').click()
  await onPage('alarms')
  await page.locator('[data-testid="alarm-row"]').first().waitFor()
  await page.locator('[data-testid="alarm-ack"]').first().click()
  await page.locator('[data-testid="alarm-acked"]').first().waitFor()
  await shot('alarms')

  // 记录: a person's check-ins and punches, then an activity's full record
  await page.getByTestId('nav-records').click()
  await onPage('records')
  await page.locator('[data-testid="event-row"]').first().waitFor()
  await page.getByTestId('records-person').fill('339901001001-c001')
  await page.getByTestId('records-search').click()
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid="event-row"]')].every(
      (r) => r.getAttribute('data-person') === '339901001001-c001',
    ),
  )
  await page.getByTestId('records-person').fill('')
  await page.getByTestId('records-tab-events').click()
  await page.getByTestId('records-person').fill('339901001001-m001')
  await page.getByTestId('records-search').click()
  await page.locator('[data-testid="event-row"][data-person="339901001001-m001"]').first().waitFor()
  await shot('records')
  await page.getByTestId('records-person').fill('')
  await page.getByTestId('records-tab-activities').click()
  await page.getByTestId('records-search').click()
  await page.locator('[data-testid="activity-row"]').first().waitFor()
  // one with its photo and nothing to inspect
  await page
    .locator('[data-testid="activity-row"]')
    .filter({ hasNot: page.locator('.chip') })
    .first()
    .click()
  await page.getByTestId('activity-record').waitFor()
  await page.locator('[data-testid="photo"] img').first().waitFor()
  await shot('activity')

  // 统计: duty compliance per town, with provisional rows
  await page.getByTestId('nav-stats').click()
  await onPage('stats')
  await page.locator('[data-testid="stats-row"]').first().waitFor()
  await shot('stats')

  // 配置与指令: the state per station with a push under way, a rejected config, the commands
  await page.getByTestId('nav-config').click()
  await onPage('config')
  await page.locator('[data-testid="config-row"]').first().waitFor()
  // a push to the second town (the first has the rejected config to show next)
  const second = await page
    .getByTestId('push-target-pick-town')
    .locator('option')
    .nth(1)
    .getAttribute('value')
  await page.getByTestId('push-target-pick-town').selectOption(second)
  await page.getByTestId('push-field-uplink.heartbeatIntervalS').fill('45')
  await page.getByTestId('push-submit').click()
  await page.getByTestId('push-confirm').waitFor()
  await shot('config')
  await page.getByTestId('push-confirm-yes').click()
  await page.getByTestId('config-filter-state').selectOption('rejected')
  await page.locator('[data-testid="config-row"][data-state="rejected"]').first().waitFor()
  await page.getByTestId('config-settings-toggle').first().click()
  await shot('config-rejected')
  await page.getByTestId('config-filter-state').selectOption('')
  await page.getByTestId('control-tab-commands').click()
  await page.getByTestId('command-target-station').check()
  await page.getByTestId('command-name').selectOption('reupload')
  await page.getByTestId('command-from-seq').fill('120')
  await page.getByTestId('command-submit').click()
  await page.getByTestId('command-confirm-yes').click()
  await page.locator('[data-testid="command-row"][data-state="accepted"]').first().waitFor()
  await shot('commands')

  await page.getByTestId('nav-audit').click()
  await onPage('audit')
  await page.locator('[data-testid="audit-row"]').first().waitFor()
  await shot('audit')
} finally {
  await browser.close()
  await server.close()
}
console.log(JSON.stringify({ screenshots: shots }, null, 2))

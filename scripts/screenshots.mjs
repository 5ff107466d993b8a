#!/usr/bin/env node
/**
 * `npm run screenshots`: the kiosk UI's main screens at the kiosk's 1280×800, as PNGs in
 * docs/screenshots/. It runs `vite dev` of kiosk-ui against the fake agent (mode `fake`, as
 * `npm run dev:fake -w kiosk-ui`; protocol/fixtures feed it) and drives it through the fake's
 * /__fake/ controls, as test/ui/kioskDev.test.ts does. Needs `npm run build` once (the Vite
 * config loads @ejia/protocol from its dist/) and Chromium (EJIA_CHROMIUM, default /usr/bin/chromium).
 */
import { mkdirSync } from 'node:fs'
import { createServer as netServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { createServer } from 'vite'

const root = fileURLToPath(new URL('..', import.meta.url))
const kioskUi = `${root}kiosk-ui/`
const out = `${root}docs/screenshots/`
const station = '339901001001'

const port = await new Promise((resolve) => {
  const s = netServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address()
    s.close(() => resolve(port))
  })
})
const server = await createServer({
  root: kioskUi,
  configFile: `${kioskUi}vite.config.ts`,
  mode: 'fake',
  logLevel: 'warn',
  server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null },
})
await server.listen()
const base = `http://localhost:${port}`

const fake = async (path, body) => {
  const res = await fetch(`${base}/__fake/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
  if (!res.ok) throw new Error(`/__fake/${path}: ${res.status} ${await res.text()}`)
  return res.json()
}
const api = async (path) => (await fetch(`${base}/api/${path}`)).json()
const roster = (await import(`${root}protocol/fixtures/roster.json`, { with: { type: 'json' } })).default
const person = (code) => roster.upserts.find((p) => p.personId === `${station}-${code}`)

const browser = await chromium.launch({
  executablePath: process.env.EJIA_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
})
const context = await browser.newContext({
  viewport: { width: 1280, height: 800 },
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
})
const page = await context.newPage()
const testId = (id) => page.getByTestId(id)
const keys = async (text) => {
  for (const k of text) await page.click(`[data-testid="keypad"] [data-key="${k}"]`)
}
const ok = () => page.click('[data-key="ok"]')
const screen = (name) => page.waitForFunction((n) => document.body.dataset.screen === n, name)
const shots = []
const shot = async (name) => {
  // let the last transition and the clock settle
  await page.waitForTimeout(300)
  await page.screenshot({ path: `${out}${name}.png` })
  shots.push(`docs/screenshots/${name}.png`)
}
// One instant for the agent and the page: ten and a half minutes into today's first shift, so
// the duty punch is late and every clock on screen agrees.
await fake('reset', {})
const shift = (await api('today')).duty.shifts[0]
const demoAt = new Date(Date.parse(shift.start) + 10.5 * 60_000)
await page.clock.setFixedTime(demoAt)

/** Each screen from a fresh kiosk on its idle screen, with nothing timing out meanwhile. */
const fresh = async () => {
  await fake('reset', {})
  await fake('clock', { at: demoAt.toISOString() })
  await page.goto(`${base}/?quiet=1&idleMs=600000&resultMs=600000`)
  await screen('idle')
  await page.waitForFunction(() => document.querySelector('[data-testid="station-name"]')?.textContent !== '')
  for (let i = 0; i < 50 && (await fake('state')).streamClients === 0; i++) await page.waitForTimeout(100)
}
const cadreLogin = async () => {
  await keys('c001')
  await ok()
  await keys('2580')
  await ok()
}

try {
  mkdirSync(out, { recursive: true })

  await fresh()
  await page.waitForFunction(() => document.querySelector('[data-testid="today"] .activity'))
  await shot('idle')

  await fresh()
  await fake('face', { outcome: 'hold' })
  await testId('go-face').click()
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="face-box"]') &&
      document.querySelector('[data-testid="guidance"]')?.textContent === '很好，请保持不动…',
  )
  await shot('face')

  await fresh()
  await fake('card', { credential: person('m002').cards[0] })
  await screen('result')
  await shot('result-checkin')

  await fresh()
  const cadre = person(shift.people[0].personId.split('-')[1])
  await testId('go-duty').click()
  await testId('duty-prompt').waitFor()
  await fake('card', { credential: cadre.cards[0] })
  await screen('result')
  await shot('duty-late')

  await fresh()
  await testId('go-study').click()
  await testId('study-prompt').waitFor()
  await fake('card', { credential: person('m001').cards[0] })
  await screen('result')
  await shot('study-behind')

  await fresh()
  await testId('go-pin').click()
  await keys('m001')
  await ok()
  await page.locator('.entry-pin').waitFor()
  await keys('13')
  await shot('pin-keypad')

  await fresh()
  await testId('go-vouch').click()
  await cadreLogin()
  await keys('v002')
  await ok()
  await page.waitForFunction(
    () => !document.querySelector('[data-testid="vouch-take"]')?.hasAttribute('disabled'),
  )
  await testId('vouch-take').click()
  await testId('vouch-confirm').waitFor()
  await shot('vouch')

  await fresh()
  await testId('go-admin').click()
  await cadreLogin()
  await testId('admin-enrol').click()
  await keys('m002')
  await ok()
  await testId('consent').waitFor()
  await shot('enrol-consent')

  await fresh()
  await fake('hub', { connected: false, backlog: 3 })
  await testId('banner').waitFor()
  await shot('offline')

  await fresh()
  await fake('fault', {
    device: 'serial:reader',
    code: 'noData',
    message: 'no frames from the reader for 10 minutes',
  })
  await testId('go-admin').click()
  await cadreLogin()
  await testId('admin-devices').waitFor()
  // the faults panel follows the status poll (every 2 s)
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="admin-faults"]')?.textContent?.includes('noData'),
  )
  await shot('admin')

  console.log(JSON.stringify({ screenshots: shots }, null, 2))
} finally {
  await browser.close()
  await server.close()
}

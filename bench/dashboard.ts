/**
 * The operators' dashboard with a large fleet: issue 7 asks that the fleet view "stay
 * responsive with 5,000 stations". Headless Chromium at 1440×900 against the dashboard's fake
 * hub under `vite dev` (hub/dashboard/dev: a synthetic district that keeps reporting, about one
 * station in thirty each second), printed as one JSON object.
 *
 * Each figure is measured for 5,000 stations and, as the baseline in the same run, for 500
 * (the sample district's size), the two interleaved round by round; the ratio says how the
 * view scales. A view that drew every row would scale ×10.
 *
 * - Snapshot: the login submitted to the summary counting every station and its frame painted
 *   (fetching the snapshot over the stream, indexing, first window of rows).
 * - Filter: a town code typed into the search box to the "shown" count updated and painted.
 * - Sort: a click on the backlog column head to the first row changed and painted.
 * - Live: main-thread time in long tasks (> 50 ms, PerformanceObserver) per second while the
 *   fleet reports on its own for a few seconds, and the rows in the DOM.
 *
 * Every time is taken inside the page (performance.now()); a MutationObserver notes the DOM
 * change and a message posted from the next requestAnimationFrame marks it painted. Run:
 * npm run bench:dashboard (needs `npm run build` once, and Chromium: EJIA_CHROMIUM, default
 * /usr/bin/chromium).
 */
import { createServer as netServer } from 'node:net'
import { availableParallelism, cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'
import { createServer, type ViteDevServer } from 'vite'

const ROUNDS = 8
const LIVE_MS = 5000
const SIZES = [500, 5000] as const
const DASHBOARD = fileURLToPath(new URL('../../hub/dashboard/', import.meta.url))

/** Installed in each page as a string: this file is compiled for Node, without the DOM types. */
const PROBE = `(() => {
  if (window.__db) return
  const now = () => performance.now()
  const painted = (cb) => requestAnimationFrame(() => {
    const ch = new MessageChannel()
    ch.port1.onmessage = () => cb(now())
    ch.port2.postMessage(0)
  })
  const db = { long: 0, longCount: 0 }
  window.__db = db
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { db.long += e.duration; db.longCount++ }
  }).observe({ type: 'longtask', buffered: true })
  /** Resolves with the time from t0 to the frame painted once test() holds. */
  db.until = (t0, test) => new Promise((resolve) => {
    const check = () => {
      if (!test()) return false
      mo.disconnect()
      painted((t) => resolve(t - t0))
      return true
    }
    const mo = new MutationObserver(check)
    mo.observe(document, { subtree: true, childList: true, characterData: true, attributes: true })
    check()
  })
  const text = (id) => document.querySelector('[data-testid="' + id + '"]')?.textContent ?? ''
  db.login = (total) => {
    const t0 = now()
    document.querySelector('button[type="submit"]').click()
    return db.until(t0, () => document.querySelector('[data-testid="summary-total"] .tile-value')?.textContent === String(total))
  }
  db.filter = (value) => {
    const input = document.querySelector('[data-testid="filter-text"]')
    const before = text('shown-count')
    const t0 = now()
    input.value = value
    input.dispatchEvent(new Event('input', { bubbles: true }))
    return db.until(t0, () => text('shown-count') !== before)
  }
  db.sort = () => {
    const first = () => document.querySelector('[data-testid="station-row"]')?.getAttribute('data-station')
    const before = first()
    const t0 = now()
    document.querySelector('[data-testid="sort-backlog"]').click()
    return db.until(t0, () => first() !== before)
  }
})()`

interface Round {
  snapshotMs: number
  filterMs: number
  clearMs: number
  sortMs: number
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN
}
const ms = (x: number) => Math.round(x * 10) / 10
const summary = (xs: number[]) => ({
  p50: ms(percentile(xs, 50)),
  p95: ms(percentile(xs, 95)),
  max: ms(Math.max(...xs)),
})

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = netServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** The dashboard on `vite dev` with a fake hub of `stations` (the config reads the count once). */
async function serve(stations: number): Promise<{ server: ViteDevServer; base: string }> {
  process.env.EJIA_FAKE_STATIONS = String(stations)
  const port = await freePort()
  const server = await createServer({
    root: DASHBOARD,
    configFile: `${DASHBOARD}vite.config.ts`,
    mode: 'fake',
    logLevel: 'warn',
    // two dev servers at once must not share Vite's dependency cache
    cacheDir: join(tmpdir(), `ejia-bench-dashboard-vite-${stations}`),
    server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null },
  })
  await server.listen()
  return { server, base: `http://127.0.0.1:${port}` }
}

/** A fresh page logged in; answers the round's figures. */
async function round(
  browser: Browser,
  base: string,
  stations: number,
): Promise<{ round: Round; page: Page }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  // the fake hub keeps one login for everyone: end the last round's, so each round logs in
  await page.request.post(`${base}/api/auth/logout`, { headers: { 'x-csrf-token': 'fake-csrf' } })
  await page.goto(base)
  await page.waitForFunction("document.body.dataset.page === 'login'", undefined, { timeout: 60_000 })
  await page.evaluate(PROBE)
  await page.fill('input[name="username"]', 'admin')
  await page.fill('input[name="password"]', 'any-password')
  const snapshotMs = (await page.evaluate(`window.__db.login(${stations})`)) as number
  // a town's code: every station id starts with its town's
  const filterMs = (await page.evaluate(`window.__db.filter('339901003')`)) as number
  const clearMs = (await page.evaluate(`window.__db.filter('')`)) as number
  const sortMs = (await page.evaluate('window.__db.sort()')) as number
  return { round: { snapshotMs, filterMs, clearMs, sortMs }, page }
}

async function live(page: Page): Promise<{ longTaskMsPerS: number; longTasks: number; rowsInDom: number }> {
  const before = (await page.evaluate('({ long: window.__db.long, n: window.__db.longCount })')) as {
    long: number
    n: number
  }
  await page.waitForTimeout(LIVE_MS)
  const after = (await page.evaluate('({ long: window.__db.long, n: window.__db.longCount })')) as {
    long: number
    n: number
  }
  const rowsInDom = (await page.evaluate(
    `document.querySelectorAll('[data-testid="station-row"]').length`,
  )) as number
  return {
    longTaskMsPerS: ms((after.long - before.long) / (LIVE_MS / 1000)),
    longTasks: after.n - before.n,
    rowsInDom,
  }
}

const servers = new Map<number, { server: ViteDevServer; base: string }>()
for (const n of SIZES) servers.set(n, await serve(n))
delete process.env.EJIA_FAKE_STATIONS
const browser = await chromium.launch({
  executablePath: process.env.EJIA_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
})
const results = new Map<number, Round[]>(SIZES.map((n) => [n, []]))
const lives = new Map<number, Awaited<ReturnType<typeof live>>>()
try {
  // a warm-up round for each (Vite transforms the modules on first load), not counted
  for (const n of SIZES)
    await (await round(browser, (servers.get(n) as { base: string }).base, n)).page.close()
  for (let i = 0; i < ROUNDS; i++) {
    for (const n of SIZES) {
      const { round: r, page } = await round(browser, (servers.get(n) as { base: string }).base, n)
      results.get(n)?.push(r)
      if (i === ROUNDS - 1) lives.set(n, await live(page))
      await page.close()
    }
  }
} finally {
  await browser.close()
  for (const { server } of servers.values()) await server.close()
}

const figure = (n: number, key: keyof Round) => summary((results.get(n) ?? []).map((r) => r[key]))
const ratio = (key: keyof Round) => ms(figure(5000, key).p50 / Math.max(0.1, figure(500, key).p50))
const keys: (keyof Round)[] = ['snapshotMs', 'filterMs', 'clearMs', 'sortMs']
console.log(
  JSON.stringify(
    {
      bench: 'dashboard',
      date: new Date().toISOString(),
      machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? 'unknown' },
      rounds: ROUNDS,
      stations500: Object.fromEntries([...keys.map((k) => [k, figure(500, k)]), ['live', lives.get(500)]]),
      stations5000: Object.fromEntries([...keys.map((k) => [k, figure(5000, k)]), ['live', lives.get(5000)]]),
      ratio5000to500: Object.fromEntries(keys.map((k) => [k, ratio(k)])),
    },
    null,
    2,
  ),
)

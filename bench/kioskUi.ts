/**
 * The kiosk UI's responsiveness in headless Chromium at the kiosk's 1280×800, against the fake
 * agent under `vite dev` (kiosk-ui/dev/, fed by protocol/fixtures), printed as one JSON object.
 * Issue 6: every action gets visual and audible feedback within 100 ms.
 *
 * - Press feedback: a real mouse pointerdown on the idle screen's 刷卡 tile to the click tone
 *   (`<html data-feedback-at>`, written where the tone starts) and to the first frame painted
 *   with the pressed look (the tile's computed transform and filter changed). Baseline: the same
 *   pointerdown to pressed frame on a bare <button> with the same :active rule, in a blank page
 *   of the same browser, interleaved press by press.
 * - Card to result: POST /__fake/card with a member's card (what the reader does) to the result
 *   screen showing that member's name, and to the frame painted after it. Baseline: a bare
 *   GET ./api/status round trip from the same page to the same server, interleaved.
 * - Screen change: the release of a press (pointerup; the click navigates) to the next screen's
 *   root element in the DOM and to the frame painted after it: idle → 刷卡 (reader) → 回到首页.
 *
 * How: every time is taken inside the page on one clock (performance.now(), the clock of
 * `event.timeStamp`), so no figure mixes the node and browser clocks or includes a DevTools
 * round trip. A MutationObserver notes the DOM change in the microtask after the render that made
 * it; "painted" is a message posted from the next requestAnimationFrame callback, which runs once
 * that frame's style, layout and paint are done. The card is posted by the page itself (`fetch`,
 * timestamp taken just before), so that figure and its baseline start the same way.
 *
 * The UI runs as on the kiosk, with sound and voice on (docs/KIOSK.md's Chromium flags). Run:
 * npm run bench:kiosk-ui. Needs `npm run build` once (the Vite config loads @ejia/protocol from
 * its dist/) and Chromium (EJIA_CHROMIUM, default /usr/bin/chromium).
 */
import { readFileSync } from 'node:fs'
import { createServer as netServer } from 'node:net'
import { availableParallelism, cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from 'playwright-core'
import { createServer } from 'vite'

const PRESSES = 40
const CARDS = 30
const WARM_UP = 3
const KIOSK_UI = fileURLToPath(new URL('../../kiosk-ui/', import.meta.url))
const STATION = '339901001001'

interface Press {
  down: number
  feedbackMs: number
  paintedMs: number
  frames: number
}
interface Change {
  domMs: number
  paintedMs: number
}
interface Card extends Change {
  ackMs: number
}

/**
 * The probe, installed in each page as a string (this file is compiled for Node, without the DOM
 * types). `arm(sel)` keeps the resting look of what is about to be pressed, `expect(sel, text)` the
 * root element (and its text) the next screen change must bring.
 */
const PROBE = `(() => {
  if (window.__kb) return
  const now = () => performance.now()
  const afterPaint = (cb) => requestAnimationFrame(() => {
    const ch = new MessageChannel()
    ch.port1.onmessage = () => cb(now())
    ch.port2.postMessage(0)
  })
  const look = (el) => { const s = getComputedStyle(el); return s.transform + '|' + s.filter }
  const kb = { rest: '', presses: [], changes: [], want: null, upAt: 0 }
  window.__kb = kb
  kb.arm = (sel) => { kb.rest = look(document.querySelector(sel)) }
  addEventListener('pointerdown', (e) => {
    const el = e.target.closest && e.target.closest('button')
    if (!el) return
    const down = e.timeStamp
    let frames = 0
    const frame = () => requestAnimationFrame(() => {
      frames++
      if (look(el) === kb.rest && frames < 60) return frame()
      const feedbackAt = Number(document.documentElement.dataset.feedbackAt ?? NaN)
      const ch = new MessageChannel()
      ch.port1.onmessage = () => kb.presses.push({ down, feedbackMs: feedbackAt - down, paintedMs: now() - down, frames })
      ch.port2.postMessage(0)
    })
    frame()
  }, { capture: true })
  addEventListener('pointerup', (e) => { kb.upAt = e.timeStamp }, { capture: true })
  const check = () => {
    const w = kb.want
    if (!w) return
    const el = document.querySelector(w.sel)
    if (!el || (w.text !== undefined && el.textContent !== w.text)) return
    kb.want = null
    const dom = now()
    afterPaint((painted) => w.done(dom, painted))
  }
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true })
  kb.expect = (sel, text) => new Promise((resolve) => {
    kb.want = { sel, text, done: (dom, painted) => resolve({ dom, painted }) }
  })
  kb.expectAfterUp = (sel) => {
    kb.change = kb.expect(sel).then(({ dom, painted }) => { kb.changes.push({ domMs: dom - kb.upAt, paintedMs: painted - kb.upAt }) })
  }
  kb.card = async (credential, name) => {
    const shown = kb.expect('[data-testid="result-name"]', name)
    const t0 = now()
    const res = await fetch('./__fake/card', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ credential }) })
    await res.json()
    const ackMs = now() - t0
    const { dom, painted } = await shown
    return { ackMs, domMs: dom - t0, paintedMs: painted - t0 }
  }
  kb.status = async () => {
    const t0 = now()
    await (await fetch('./api/status')).json()
    return now() - t0
  }
})()`

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] as number
}
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d
const stats = (xs: number[]) => ({
  p50: round(percentile(xs, 0.5)),
  p95: round(percentile(xs, 0.95)),
  max: round(Math.max(...xs)),
})

async function freePort(): Promise<number> {
  const s = netServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address() as { port: number }
  await new Promise((r) => s.close(r))
  return port
}

/** One press of the element at `sel` with the real mouse; answers when its pressed frame is in. */
async function pressDown(page: Page, sel: string): Promise<Press> {
  const box = await page.locator(sel).boundingBox()
  if (!box) throw new Error(`nothing to press at ${sel}`)
  const count = await page.evaluate<number>('window.__kb.presses.length')
  await page.evaluate(`window.__kb.arm(${JSON.stringify(sel)})`)
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.waitForTimeout(20 + Math.random() * 40)
  await page.mouse.down()
  await page.waitForFunction(`window.__kb.presses.length > ${count}`)
  return page.evaluate<Press>('window.__kb.presses[window.__kb.presses.length - 1]')
}

/** Press and release `sel`, and time the release to the next screen's root `next`. */
async function pressTo(page: Page, sel: string, next: string): Promise<{ press: Press; change: Change }> {
  await page.evaluate(`window.__kb.expectAfterUp(${JSON.stringify(next)})`)
  const press = await pressDown(page, sel)
  // a finger holds a tile for a while; holding a random while also keeps the release out of step
  // with the frames (the driver's waits poll on requestAnimationFrame, so without it every
  // release would come just after a frame and wait almost a whole one to be painted)
  await page.waitForTimeout(60 + Math.random() * 60)
  await page.mouse.up()
  await page.evaluate('window.__kb.change')
  const change = await page.evaluate<Change>('window.__kb.changes[window.__kb.changes.length - 1]')
  await page.waitForTimeout(100) // let the new screen settle (its effects run after the first render)
  return { press, change }
}

async function main() {
  const roster = JSON.parse(
    readFileSync(new URL('../../protocol/fixtures/roster.json', import.meta.url), 'utf8'),
  ) as { upserts: { personId: string; name?: string; cards: string[] }[] }
  const member = roster.upserts.find((p) => p.personId === `${STATION}-m002`)
  if (!member?.name || !member.cards[0]) throw new Error('no m002 with a card in the roster fixture')

  const port = await freePort()
  const server = await createServer({
    root: KIOSK_UI,
    configFile: `${KIOSK_UI}vite.config.ts`,
    mode: 'fake',
    logLevel: 'warn',
    server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null },
  })
  await server.listen()
  const base = `http://localhost:${port}`
  const browser = await chromium.launch({
    executablePath: process.env.EJIA_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--autoplay-policy=no-user-gesture-required',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
    ],
  })
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    })
    await fetch(`${base}/__fake/reset`, { method: 'POST' })
    const kiosk = await context.newPage()
    await kiosk.goto(`${base}/?idleMs=600000&resultMs=600000`)
    await kiosk.waitForFunction(
      `document.body.dataset.screen === 'idle' && document.querySelector('[data-testid="station-name"]')?.textContent !== ''`,
    )
    await kiosk.evaluate(PROBE)
    // the result must come over the stream: wait until the page holds it open
    for (let i = 0; i < 50; i++) {
      const state = (await (await fetch(`${base}/__fake/state`)).json()) as { streamClients: number }
      if (state.streamClients > 0) break
      await kiosk.waitForTimeout(100)
    }
    const blank = await context.newPage()
    await blank.setContent(
      '<style>button{margin:100px;width:230px;height:250px;font-size:32px}' +
        'button:active{transform:scale(0.96);filter:brightness(0.85)}</style><button>刷卡</button>',
    )
    await blank.evaluate(PROBE)

    // 1 and 3: presses of 刷卡 on idle and 回到首页 on the reader screen, each after a bare press
    const presses: Press[] = []
    const bare: Press[] = []
    const toReader: Change[] = []
    const toIdle: Change[] = []
    for (let i = 0; i < WARM_UP + PRESSES; i++) {
      await blank.bringToFront()
      const b = await pressDown(blank, 'button')
      await blank.waitForTimeout(60 + Math.random() * 60)
      await blank.mouse.up()
      await kiosk.bringToFront()
      const there = await pressTo(kiosk, '[data-testid="go-card"]', '[data-testid="reader"]')
      const back = await pressTo(kiosk, '[data-testid="home"]', '[data-testid="idle"]')
      if (i < WARM_UP) continue
      bare.push(b)
      presses.push(there.press)
      toReader.push(there.change)
      toIdle.push(back.change)
    }

    // 2: a card to its result, each after a bare round trip from the same page
    const cards: Card[] = []
    const status: number[] = []
    for (let i = 0; i < WARM_UP + CARDS; i++) {
      const s = await kiosk.evaluate<number>('window.__kb.status()')
      const c = await kiosk.evaluate<Card>(
        `window.__kb.card(${JSON.stringify(member.cards[0])}, ${JSON.stringify(member.name)})`,
      )
      await kiosk.waitForTimeout(100)
      await pressTo(kiosk, '[data-testid="home"]', '[data-testid="idle"]')
      if (i < WARM_UP) continue
      status.push(s)
      cards.push(c)
    }

    const pressed = presses.map((p) => p.paintedMs)
    const barePressed = bare.map((p) => p.paintedMs)
    const shown = cards.map((c) => c.paintedMs)
    const feedback = presses.map((p) => p.feedbackMs)
    const report = {
      bench: 'kioskUi',
      date: new Date().toISOString(),
      machine: {
        cpus: availableParallelism(),
        model: cpus()[0]?.model ?? '',
        node: process.version,
        chromium: browser.version(),
      },
      viewport: '1280x800',
      pressFeedback: {
        presses: presses.length,
        tile: 'go-card (刷卡) on idle',
        toFeedbackAtMs: stats(feedback),
        toPressedFrameMs: stats(pressed),
        framesWaitedMax: Math.max(...presses.map((p) => p.frames)),
        bareButtonToPressedFrameMs: stats(barePressed),
        ratioP50: round(percentile(pressed, 0.5) / percentile(barePressed, 0.5), 2),
        ratioP95: round(percentile(pressed, 0.95) / percentile(barePressed, 0.95), 2),
      },
      cardToResult: {
        cards: cards.length,
        person: member.personId,
        postAckMs: stats(cards.map((c) => c.ackMs)),
        toResultInDomMs: stats(cards.map((c) => c.domMs)),
        toResultPaintedMs: stats(shown),
        bareStatusRoundTripMs: stats(status),
        ratioP50: round(percentile(shown, 0.5) / percentile(status, 0.5), 2),
        ratioP95: round(percentile(shown, 0.95) / percentile(status, 0.95), 2),
      },
      screenChange: {
        idleToReader: {
          inDomMs: stats(toReader.map((c) => c.domMs)),
          paintedMs: stats(toReader.map((c) => c.paintedMs)),
        },
        readerToIdle: {
          inDomMs: stats(toIdle.map((c) => c.domMs)),
          paintedMs: stats(toIdle.map((c) => c.paintedMs)),
        },
      },
      targets: {
        pressFeedbackUnder100ms: Math.max(...feedback) <= 100,
        pressedLookUnder100ms: Math.max(...pressed) <= 100,
      },
    }
    console.log(JSON.stringify(report, null, 2))
  } finally {
    await browser.close()
    await server.close()
  }
}

await main()

import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { createServer, type ViteDevServer } from 'vite'
import { freePort } from '../helpers/net.js'

const KIOSK_UI = fileURLToPath(new URL('../../kiosk-ui/', import.meta.url))

/**
 * `vite dev` of the kiosk UI with the fake agent (kiosk-ui/vite.config.ts in mode `fake`, as
 * `npm run dev:fake -w kiosk-ui` runs it), on a free port of the loopback interface. No file
 * watching: the page under test does not reload when someone edits the sources meanwhile.
 */
export async function startKioskDev(): Promise<{ server: ViteDevServer; base: string }> {
  const port = await freePort()
  const server = await createServer({
    root: KIOSK_UI,
    configFile: `${KIOSK_UI}vite.config.ts`,
    mode: 'fake',
    logLevel: 'warn',
    server: { host: '127.0.0.1', port, strictPort: true, hmr: false, watch: null },
  })
  await server.listen()
  // localhost, not 127.0.0.1: getUserMedia needs a secure context, and localhost is one
  return { server, base: `http://localhost:${port}` }
}

/** The fake agent's controls (kiosk-ui/dev/fakeAgent.ts, under /__fake/). */
export function fakeControls(base: string) {
  const call = async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    })
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
    return (await res.json()) as T
  }
  return {
    call,
    reset: () => call('POST', '/__fake/reset'),
    card: (credential: string) => call<{ kind: string }>('POST', '/__fake/card', { credential }),
    hub: (connected: boolean, backlog?: number) =>
      call('POST', '/__fake/hub', { connected, ...(backlog === undefined ? {} : { backlog }) }),
    fault: (device: string, fault: { code: string; message: string } | null) =>
      call('POST', '/__fake/fault', fault ? { device, ...fault } : { device, clear: true }),
    face: (script: { outcome: string; personId?: string; enabled?: boolean }) =>
      call('POST', '/__fake/face', script),
    clock: (at: string | null) => call('POST', '/__fake/clock', { at }),
    state: () =>
      call<{
        mode: { kind: string }
        streamClients: number
        journal: { type: string; body: Record<string, unknown> }[]
      }>('GET', '/__fake/state'),
  }
}

/** One place the kiosk rules were broken: which screen, which element, by how much. */
export interface RuleBreak {
  screen: string
  rule: 'text >= 24px' | 'target >= 48x48' | 'way home'
  element: string
  size: string
}

/**
 * The kiosk rules (STYLE.md "UI", issue 6) on what is on screen now: every visible text at
 * least 24 px, every button and key at least 48×48 px, and a visible way home on every screen
 * but idle. Answers what broke them, with a selector and the size measured.
 */
export function checkRules(page: Page): Promise<RuleBreak[]> {
  return page.evaluate(() => {
    const screen = document.body.dataset.screen ?? '?'
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect()
      const s = getComputedStyle(el)
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && Number(s.opacity) > 0
    }
    const describe = (el: Element) => {
      const id = el.getAttribute('data-testid')
      const cls = [...el.classList].map((c) => `.${c}`).join('')
      const text = (el.textContent ?? '').trim().slice(0, 16)
      return `${el.tagName.toLowerCase()}${cls}${id ? `[data-testid="${id}"]` : ''}${text ? ` "${text}"` : ''}`
    }
    const out: { screen: string; rule: string; element: string; size: string }[] = []
    for (const el of document.querySelectorAll('body *')) {
      if (['SCRIPT', 'STYLE', 'svg'].includes(el.tagName) || el.closest('svg')) continue
      const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim())
      if (!ownText || !visible(el)) continue
      const px = Number.parseFloat(getComputedStyle(el).fontSize)
      if (px < 24) out.push({ screen, rule: 'text >= 24px', element: describe(el), size: `${px}px` })
    }
    for (const el of document.querySelectorAll('button, [role="button"], .key')) {
      if (!visible(el)) continue
      const r = el.getBoundingClientRect()
      if (r.width < 48 || r.height < 48)
        out.push({
          screen,
          rule: 'target >= 48x48',
          element: describe(el),
          size: `${Math.round(r.width)}x${Math.round(r.height)}`,
        })
    }
    if (screen !== 'idle') {
      const home = document.querySelector('[data-testid="home"]')
      if (!home || !visible(home))
        out.push({ screen, rule: 'way home', element: '[data-testid="home"]', size: '-' })
    }
    return out as RuleBreak[]
  })
}

/**
 * Watches the page from its first script on: every guidance text shown and whether a face box
 * was drawn, so a step of the face session that lasts half a second is not missed.
 */
export const WATCH_FACE = `(() => {
  const seen = []
  window.__ejiaSeen = { guidance: seen, box: false }
  const look = () => {
    const g = document.querySelector('[data-testid="guidance"]')
    const t = g && g.textContent
    if (t && seen[seen.length - 1] !== t) seen.push(t)
    if (document.querySelector('[data-testid="face-box"]')) window.__ejiaSeen.box = true
  }
  new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true })
})()`

/** Presses keypad keys one by one, as a finger would. */
export async function typeKeys(page: Page, keys: string): Promise<void> {
  for (const k of keys) await page.click(`[data-testid="keypad"] [data-key="${k}"]`)
}

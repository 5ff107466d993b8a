import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { type EdgeHandle, startEdge } from '@ejia/edge'
import { hashPin, openDatabaseReadOnly } from '@ejia/platform'
import pino from 'pino'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveBrowser, launchChromium } from '../helpers/browser.js'
import { makeDistrict } from '../helpers/district.js'
import { checkRules, type RuleBreak, typeKeys } from './kioskPage.js'

const ROOT = new URL('../../', import.meta.url).pathname
const UI_INDEX = join(ROOT, 'kiosk-ui/dist/index.html')
const log = pino({ level: 'silent' })
/** What the page sees of a camera that cannot start: unplugged, or held by another program. */
const BROKEN_CAMERA = `navigator.mediaDevices.getUserMedia = () =>
  Promise.reject(new DOMException('Could not start video source', 'NotReadableError'))`

/**
 * The 2025 face recognition rules ask that a person who does not want face recognition, or for
 * whom it does not work, has another way (docs/PRIVACY.md). The built kiosk UI in Chromium on
 * real kiosk agents, offline, with the roster from a file: one kiosk with face check-in off in
 * its config, one with it on and a camera that will not open. On both the idle screen offers
 * card, QR code, PIN and a cadre; 刷脸签到 explains itself and offers them again; and a PIN
 * sign-in goes through, journalled.
 */
describe.skipIf(!haveBrowser)('a way in without the face, whatever the face does', () => {
  const district = makeDistrict(1)
  const station = district.configs[0]!.station.id
  const temps: string[] = []
  const tempDir = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `ejia-noface-${name}-`))
    temps.push(dir)
    return dir
  }
  const edges: EdgeHandle[] = []
  const broken: RuleBreak[] = []
  let browser: Browser | undefined
  let rosterFile: string

  const startKiosk = async (face: boolean) => {
    const config = structuredClone(district.configs[0]!)
    config.hub.mqttUrl = 'mqtt://127.0.0.1:1' // no hub: these ways in work offline too
    config.dataDir = tempDir('kiosk')
    config.localApi.port = 0
    config.roster.file = rosterFile
    config.face.enabled = face
    config.camera = face ? { type: 'push', fps: 5 } : { type: 'none', fps: 5 }
    const edge = await startEdge(config, { log })
    edges.push(edge)
    return { url: edge.localApiUrl!, dataDir: config.dataDir }
  }
  const screenIs = (page: Page, name: string) =>
    page.waitForFunction((n) => document.body.dataset.screen === n, name, { timeout: 15_000 })
  const openIdle = async (url: string, camera: 'broken' | 'fine') => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
    if (camera === 'broken') await context.addInitScript(BROKEN_CAMERA)
    const page = await context.newPage()
    await page.goto(`${url}/?quiet=1&idleMs=60000&resultMs=30000`)
    await screenIs(page, 'idle')
    return page
  }
  /** The ways in the idle screen offers besides the face. */
  const idleWaysIn = async (page: Page) => {
    const shown: string[] = []
    for (const way of ['card', 'qr', 'pin', 'vouch'])
      if (await page.getByTestId(`go-${way}`).isVisible()) shown.push(way)
    return shown
  }
  const fallbacksShown = async (page: Page) => {
    await page.getByTestId('fallbacks').waitFor()
    return page
      .locator('[data-testid^="fallback-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')?.replace('fallback-', '')))
  }
  /** Signs m001 in by code and PIN from the screen shown, and answers the result's name. */
  const signInByPin = async (page: Page) => {
    await screenIs(page, 'pin')
    await typeKeys(page, 'm001')
    await page.click('[data-key="ok"]')
    await typeKeys(page, '1357')
    await page.click('[data-key="ok"]')
    await screenIs(page, 'result')
    return (await page.getByTestId('result-name').textContent())?.trim()
  }
  const checkins = async (dataDir: string) => {
    const db = await openDatabaseReadOnly(join(dataDir, 'journal.db'))
    try {
      const rows = await db.all<{ body: string }[]>("SELECT body FROM events WHERE type = 'checkin'")
      return rows.map((r) => JSON.parse(r.body) as { personId: string; method: string })
    } finally {
      await db.close()
    }
  }

  beforeAll(async () => {
    if (!existsSync(UI_INDEX))
      await promisify(execFile)('npm', ['run', 'build', '-w', 'kiosk-ui'], { cwd: ROOT })
    rosterFile = join(tempDir('roster'), 'roster.json')
    writeFileSync(
      rosterFile,
      JSON.stringify({
        version: 'noface-1',
        people: [
          { personId: `${station}-m001`, name: '朱涛红', roles: ['member'], pinHash: await hashPin('1357') },
        ],
      }),
    )
    browser = await launchChromium()
  }, 90_000)

  afterAll(async () => {
    await browser?.close()
    for (const edge of edges) await edge.stop()
    for (const dir of temps) rmSync(dir, { recursive: true, force: true })
  })

  for (const c of [
    { when: 'face check-in off in the config', faceOn: false, camera: 'fine', says: '本机暂未开通刷脸签到' },
    {
      when: 'face check-in on but the camera will not open',
      faceOn: true,
      camera: 'broken',
      says: '摄像头打不开',
    },
  ] as const) {
    it(`${c.when}: the other ways are offered, and a PIN signs in`, { timeout: 60_000 }, async () => {
      const kiosk = await startKiosk(c.faceOn)
      expect((await (await fetch(`${kiosk.url}/api/face`)).json()) as object).toMatchObject({
        enabled: c.faceOn,
      })
      const page = await openIdle(kiosk.url, c.camera)
      expect(await idleWaysIn(page)).toEqual(['card', 'qr', 'pin', 'vouch'])
      await page.getByTestId('go-face').click()
      await page.getByTestId('face-failed').waitFor()
      expect(await page.getByTestId('face-failed').textContent()).toContain(c.says)
      expect(await fallbacksShown(page)).toEqual(['card', 'qr', 'pin', 'vouch'])
      broken.push(...(await checkRules(page)))
      await page.getByTestId('fallback-pin').click()
      expect(await signInByPin(page)).toBe('朱涛红')
      expect(await checkins(kiosk.dataDir)).toEqual([
        expect.objectContaining({ personId: `${station}-m001`, method: 'pin' }),
      ])
    })
  }

  it('kept the kiosk rules on the screens visited', () => {
    expect(broken).toEqual([])
  })
})

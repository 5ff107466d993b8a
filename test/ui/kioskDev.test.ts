import { readFileSync } from 'node:fs'
import { verifyPin } from '@ejia/platform'
import type { RosterUpdate } from '@ejia/protocol'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { ViteDevServer } from 'vite'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FAKE_CONFIG } from '../../kiosk-ui/dev/fakeConfig.js'
import type { Today } from '../../kiosk-ui/src/api/types.js'
import { haveBrowser, launchChromium } from '../helpers/browser.js'
import { checkRules, fakeControls, type RuleBreak, startKioskDev, typeKeys, WATCH_FACE } from './kioskPage.js'

const roster = JSON.parse(
  readFileSync(new URL('../../protocol/fixtures/roster.json', import.meta.url), 'utf8'),
) as RosterUpdate
const station = FAKE_CONFIG.station.id
const who = (code: string) => {
  const p = roster.upserts.find((x) => x.personId === `${station}-${code}`)
  if (!p?.name) throw new Error(`no ${code} in the roster fixture`)
  return { personId: p.personId, name: p.name, card: p.cards[0] ?? '' }
}
const m001 = who('m001') // a member behind on study hours, PIN 1357
const m002 = who('m002')
const v002 = who('v002') // a villager without a card

const IDLE_MS = 5000
const RESULT_MS = 1500

/** The kiosk UI under `vite dev`, against the fake agent fed by protocol/fixtures (issue 6). */
describe.skipIf(!haveBrowser)('kiosk UI on vite dev with the fake agent', () => {
  let server: ViteDevServer
  let fake: ReturnType<typeof fakeControls>
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let url: string
  const broken: RuleBreak[] = []
  const visited = new Set<string>()

  const screen = (name: string, timeout = 5000) =>
    page.waitForFunction((n) => document.body.dataset.screen === n, name, { timeout })
  const testId = (id: string) => page.getByTestId(id)
  /** The kiosk rules on the screen now; what breaks them is reported in the last test. */
  const rules = async () => {
    visited.add((await page.evaluate(() => document.body.dataset.screen)) ?? '?')
    broken.push(...(await checkRules(page)))
  }
  const openIdle = async () => {
    await page.goto(url)
    await screen('idle', 15_000)
    await page.waitForFunction(
      () => document.querySelector('[data-testid="station-name"]')?.textContent === '肖家沟村',
    )
    await expect.poll(async () => (await fake.state()).streamClients, { timeout: 5000 }).toBeGreaterThan(0)
  }

  beforeAll(async () => {
    const dev = await startKioskDev()
    server = dev.server
    fake = fakeControls(dev.base)
    url = `${dev.base}/?quiet=1&idleMs=${IDLE_MS}&resultMs=${RESULT_MS}`
    browser = await launchChromium()
    context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    })
    await context.addInitScript(WATCH_FACE)
    page = await context.newPage()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  beforeEach(async () => {
    await fake.reset()
    await openIdle()
  })

  it('gives the fake the PINs behind the roster fixture hashes', async () => {
    for (const [code, pin] of Object.entries(FAKE_CONFIG.pins)) {
      const hash = roster.upserts.find((p) => p.personId === `${station}-${code}`)?.pinHash ?? ''
      expect(await verifyPin(pin, hash), code).toBe(true)
    }
  })

  it('shows the station, the date, today’s activities and the duty rota on idle', async () => {
    const today = (await (await fetch(new URL('api/today', url))).json()) as Today
    await expect.poll(() => testId('today').textContent()).toContain('主题党日：党员教育')
    const [y, m, d] = today.date.split('-').map(Number)
    expect(await page.locator('.date').textContent()).toContain(`${y}年${m}月${d}日`)
    const onShift = today.duty.shifts[0]?.people[0]?.name ?? ''
    expect(onShift).not.toBe('')
    await expect.poll(() => testId('duty-panel').textContent()).toContain(onShift)
    expect(await testId('on-duty').textContent()).toBe('还没有人打卡上班')
    await rules()
  })

  it('answers a press within 100 ms: the pressed look and the click tone', async () => {
    const button = testId('go-card')
    const box = await button.boundingBox()
    if (!box) throw new Error('no 刷卡 button')
    const before = await button.evaluate((b) => {
      const s = getComputedStyle(b)
      return `${s.transform}|${s.backgroundColor}|${s.boxShadow}|${s.filter}`
    })
    await page.evaluate(() => {
      addEventListener(
        'pointerdown',
        (e) => {
          const b = (e.target as Element).closest('button') as HTMLElement
          requestAnimationFrame(() => {
            const s = getComputedStyle(b)
            Object.assign(window, {
              __press: {
                at: e.timeStamp,
                painted: performance.now(),
                look: `${s.transform}|${s.backgroundColor}|${s.boxShadow}|${s.filter}`,
              },
            })
          })
        },
        { capture: true, once: true },
      )
    })
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.mouse.down()
    const press = await page
      .waitForFunction(() => (window as unknown as { __press?: unknown }).__press)
      .then((h) => h.jsonValue() as Promise<{ at: number; painted: number; look: string }>)
    const feedbackAt = Number(await page.evaluate(() => document.documentElement.dataset.feedbackAt))
    await page.mouse.up()
    expect(press.look).not.toBe(before)
    expect(press.painted - press.at).toBeLessThan(100)
    expect(feedbackAt - press.at).toBeGreaterThanOrEqual(0)
    expect(feedbackAt - press.at).toBeLessThan(100)
    await screen('reader')
    await rules()
  })

  it('shows a card check-in with name, activity and time, then goes back to idle by itself', async () => {
    await fake.card(m001.card)
    await screen('result')
    expect(await testId('result-name').textContent()).toBe(m001.name)
    const text = await testId('result').textContent()
    expect(text).toContain('签到成功')
    expect(text).toContain('主题党日：党员教育')
    expect(text).toMatch(/时间 \d\d:\d\d:\d\d · 刷卡/)
    expect(await page.evaluate(() => document.documentElement.dataset.speech)).toContain(
      `${m001.name}，签到成功`,
    )
    await rules()
    const shownAt = Date.now()
    await screen('idle', RESULT_MS + 3000)
    expect(Date.now() - shownAt).toBeGreaterThanOrEqual(RESULT_MS - 300)
  })

  it('says why an unknown card was refused and offers the other ways in', async () => {
    await fake.card('00000000FF')
    await screen('result')
    expect(await testId('result-reason').textContent()).toBe('没有找到您的登记信息')
    for (const f of ['qr', 'pin', 'vouch']) expect(await testId(`fallback-${f}`).isVisible()).toBe(true)
    await rules()
    await testId('fallback-pin').click()
    await screen('pin')
  })

  it("answers the enrolment sheet's code scanned on any screen: the wrong station's, then this one's", async () => {
    const scan = (stationId: string) =>
      fake.call('POST', '/__fake/read', {
        method: 'qr',
        credential: `ejia-enrol:v1?station=${stationId}&hub=${encodeURIComponent(FAKE_CONFIG.hub)}`,
      })
    await testId('go-pin').click()
    await screen('pin')
    await scan('339901001002')
    await screen('enrolCheck')
    expect(await testId('enrol-check-problem').textContent()).toBe(
      `本机安装的是站点 ${station}，登记表是站点 339901001002`,
    )
    expect(await testId('enrol-check').textContent()).toContain('请联系区里重新安装')
    await rules()
    expect((await fake.state()).journal.filter((e) => e.type === 'credential.unknown')).toEqual([])
    await scan(station)
    await page.waitForFunction(
      (text) => document.querySelector('[data-testid="enrol-check-title"]')?.textContent === text,
      `本机已登记为 ${station}`,
    )
    await testId('home').click()
    await screen('idle')
  })

  it('signs in by person code and PIN on the keypad, and says so when the PIN is wrong', async () => {
    await testId('go-pin').click()
    await screen('pin')
    await rules()
    await typeKeys(page, 'm001')
    expect(await testId('entry-value').textContent()).toBe('m001')
    await page.click('[data-key="ok"]')
    await expect.poll(() => page.locator('.entry-prompt').textContent()).toBe(`${m001.name}，请输入密码`)
    await typeKeys(page, '9999')
    await page.click('[data-key="ok"]')
    await expect.poll(() => page.locator('.entry-error').textContent()).toBe('密码不对，请再输一次')
    await rules()
    await typeKeys(page, '1357')
    await page.click('[data-key="ok"]')
    await screen('result')
    expect(await testId('result-name').textContent()).toBe(m001.name)
    expect(await testId('result').textContent()).toContain('密码')
  })

  it('locks the PIN after five wrong ones and offers the other ways', async () => {
    await testId('go-pin').click()
    await typeKeys(page, 'm001')
    await page.click('[data-key="ok"]')
    for (let i = 0; i < 5; i++) {
      await page.locator('.entry-prompt').waitFor()
      await typeKeys(page, '0000')
      await page.click('[data-key="ok"]')
      if (i < 4) await expect.poll(() => page.locator('.entry-error').count()).toBe(1)
    }
    await expect.poll(() => testId('pin-locked').textContent()).toContain('已锁定 5 分钟')
    expect(await testId('fallback-pin').count()).toBe(0)
    await rules()
  })

  it('clocks a cadre in on duty with the shift and how late', async () => {
    const today = (await (await fetch(new URL('api/today', url))).json()) as Today
    const shift = today.duty.shifts[0]
    const cadre = who(shift?.people[0]?.personId.split('-')[1] ?? '')
    // 10 minutes and 5 seconds late, as the agent counts them: 11 (a started minute counts), with
    // most of a minute to spare on a slow machine
    await fake.clock(new Date(Date.parse(shift?.start ?? '') + 10 * 60_000 + 5_000).toISOString())
    await testId('go-duty').click()
    await testId('duty-prompt').waitFor()
    expect((await fake.state()).mode.kind).toBe('duty')
    await rules()
    await fake.card(cadre.card)
    await screen('result')
    expect(await testId('result-title').textContent()).toBe('上班打卡成功')
    expect(await testId('result-name').textContent()).toBe(cadre.name)
    expect(await testId('result-lateness').textContent()).toBe('迟到 11 分钟')
    expect(await testId('result').textContent()).toMatch(/班次 \d\d:\d\d–\d\d:\d\d/)
    await rules()
    // the punch put the kiosk back to check-in, and the idle screen names who is on duty
    await expect.poll(async () => (await fake.state()).mode.kind).toBe('checkin')
    await testId('home').click()
    await expect.poll(() => testId('on-duty').textContent()).toContain(cadre.name)

    // the next cadre in, on time: a minute after the start is within the grace
    await fake.reset()
    await fake.clock(new Date(Date.parse(shift?.start ?? '') + 60_000).toISOString())
    await testId('go-duty').click()
    await testId('duty-prompt').waitFor()
    await fake.card(cadre.card)
    await screen('result')
    expect(await testId('result-lateness').textContent()).toBe('准时')
  })

  it('shows a member’s study hours and the reminder when behind, recording nothing', async () => {
    const before = (await fake.state()).journal.length
    await testId('go-study').click()
    await testId('study-prompt').waitFor()
    expect((await fake.state()).mode.kind).toBe('lookup')
    await rules()
    await fake.card(m001.card)
    await screen('result')
    expect(await testId('result-name').textContent()).toBe(m001.name)
    expect(await testId('study').textContent()).toContain('今年已学 6 小时 / 全年 32 小时')
    expect(await testId('study-behind').textContent()).toBe('您的学时落后 2 小时，请及时参加学习')
    await rules()
    const after = await fake.state()
    expect(after.journal.length).toBe(before)
    expect(after.mode.kind).toBe('checkin')
  })

  it('guides a face with the box and words, then signs the person in', async () => {
    await fake.face({ outcome: 'accept', personId: m002.personId })
    await testId('go-face').click()
    await screen('face')
    await page.waitForFunction(() => (window as unknown as { __ejiaSeen: { box: boolean } }).__ejiaSeen.box)
    await rules()
    await screen('result', 10_000)
    const seen = await page.evaluate(
      () => (window as unknown as { __ejiaSeen: { guidance: string[] } }).__ejiaSeen.guidance,
    )
    expect(seen).toContain('请靠近一点')
    expect(await testId('result-name').textContent()).toBe(m002.name)
    expect(await testId('result').textContent()).toContain('刷脸')
    const checkins = (await fake.state()).journal.filter((e) => e.type === 'checkin')
    expect(checkins.map((e) => [e.body.personId, e.body.method])).toEqual([[m002.personId, 'face']])
  })

  it('offers the other ways when the face is not recognised', async () => {
    await fake.face({ outcome: 'notRecognised' })
    await testId('go-face').click()
    await testId('face-failed').waitFor({ timeout: 10_000 })
    expect(await testId('face-failed').textContent()).toContain('没有找到您的人脸登记')
    for (const f of ['card', 'qr', 'pin', 'vouch'])
      expect(await testId(`fallback-${f}`).isVisible()).toBe(true)
    expect(await testId('face-retry').isVisible()).toBe(true)
    await rules()
    expect((await fake.state()).journal.filter((e) => e.type === 'checkin')).toEqual([])
  })

  it('shows the offline banner with the backlog while the hub is away, and drops it when back', async () => {
    expect(await testId('banner').count()).toBe(0)
    await fake.hub(false)
    await fake.card(m001.card)
    await screen('result')
    await expect.poll(() => testId('banner').textContent(), { timeout: 5000 }).toContain('网络已断开')
    expect(await testId('backlog').textContent()).toContain('1 条记录待上传')
    await rules()
    await fake.hub(true)
    await expect.poll(() => testId('banner').count(), { timeout: 5000 }).toBe(0)
  })

  it('opens admin only to a cadre with the PIN, and shows readers and faults', async () => {
    await fake.fault('serial:reader', { code: 'noData', message: 'no frames for 10 minutes' })
    await expect.poll(() => testId('device-notice').textContent(), { timeout: 5000 }).toContain('读卡器')
    await testId('go-admin').click()
    await screen('admin')
    await rules()
    await typeKeys(page, 'm001')
    await page.click('[data-key="ok"]')
    await expect.poll(() => page.locator('.entry-error').textContent()).toBe('这个编号不是干部，不能办理')
    await page.click('[data-key="delete"]')
    await page.click('[data-key="delete"]')
    await page.click('[data-key="delete"]')
    await page.click('[data-key="delete"]')
    await typeKeys(page, 'c001')
    await page.click('[data-key="ok"]')
    await typeKeys(page, '1111')
    await page.click('[data-key="ok"]')
    await expect.poll(() => page.locator('.entry-error').textContent()).toBe('密码不对，请再输一次')
    expect(await testId('admin-devices').count()).toBe(0)
    await typeKeys(page, '2580')
    await page.click('[data-key="ok"]')
    await testId('admin-devices').waitFor()
    // the admin screen asks for the readers as it opens: their faults arrive a moment later
    await expect
      .poll(() => testId('admin-devices').textContent())
      .toContain('noData: no frames for 10 minutes')
    await expect.poll(() => testId('admin-versions').textContent()).toContain('名册 17')
    await rules()
  })

  it('asks for consent on its own screen before any capture, then enrols', async () => {
    await testId('go-admin').click()
    await typeKeys(page, 'c001')
    await page.click('[data-key="ok"]')
    await typeKeys(page, '2580')
    await page.click('[data-key="ok"]')
    await testId('admin-enrol').click()
    await screen('enrol')
    await typeKeys(page, 'm002')
    await page.click('[data-key="ok"]')
    await testId('consent').waitFor()
    expect(await testId('camera').count()).toBe(0)
    expect(await testId('consent').textContent()).toContain(m002.name)
    // how long the template is kept, as the station's face.retentionDays says (PIPL art. 17)
    expect(await testId('consent').textContent()).toContain('连续 365 天没有用人脸签到')
    await rules()
    await testId('consent-agree').click()
    await testId('enrol-capture').waitFor()
    await rules()
    await expect.poll(() => testId('enrol-done').count(), { timeout: 15_000 }).toBe(1)
    expect(await testId('enrol-done').textContent()).toBe(`${m002.name} 的人脸登记成功`)
    const types = (await fake.state()).journal.map((e) => e.type)
    expect(types).toEqual(['face.consent', 'face.enrolled'])
  })

  it('lets a cadre vouch for a villager with a witness photo', async () => {
    await testId('go-vouch').click()
    await screen('vouch')
    await typeKeys(page, 'c001')
    await page.click('[data-key="ok"]')
    await typeKeys(page, '2580')
    await page.click('[data-key="ok"]')
    await typeKeys(page, 'v002')
    await page.click('[data-key="ok"]')
    await testId('vouch-take').waitFor()
    await expect.poll(() => testId('vouch-take').isEnabled()).toBe(true)
    await rules()
    await testId('vouch-take').click()
    await testId('vouch-confirm').click()
    await screen('result')
    expect(await testId('result-name').textContent()).toBe(v002.name)
    expect(await testId('result').textContent()).toContain('干部代签')
    const checkin = (await fake.state()).journal.find((e) => e.type === 'checkin')
    expect(checkin?.body).toMatchObject({
      personId: v002.personId,
      method: 'vouch',
      vouchedBy: `${station}-c001`,
    })
  })

  it('goes back to idle after a while without a touch, and puts the mode back', async () => {
    await testId('go-study').click()
    await testId('study-prompt').waitFor()
    expect((await fake.state()).mode.kind).toBe('lookup')
    const left = Date.now()
    await screen('idle', IDLE_MS + 3000)
    expect(Date.now() - left).toBeGreaterThanOrEqual(IDLE_MS - 500)
    await expect.poll(async () => (await fake.state()).mode.kind).toBe('checkin')
  })

  it('has a rule check that catches small text, small targets and a missing way home', async () => {
    await page.evaluate(() => {
      const p = document.createElement('p')
      p.textContent = '小字'
      p.style.fontSize = '16px'
      const b = document.createElement('button')
      b.textContent = 'x'
      b.setAttribute('style', 'width:40px;height:40px;min-width:0;min-height:0;padding:0;font-size:24px')
      document.body.append(p, b)
      document.body.dataset.screen = 'pretend'
    })
    const found = await checkRules(page)
    expect(found.map((b) => [b.rule, b.size])).toEqual([
      ['text >= 24px', '16px'],
      ['target >= 48x48', '40x40'],
      ['way home', '-'],
    ])
  })

  it('kept the kiosk rules on every screen visited', () => {
    expect([...visited].sort()).toEqual(
      expect.arrayContaining([
        'admin',
        'duty',
        'enrol',
        'face',
        'idle',
        'pin',
        'reader',
        'result',
        'study',
        'vouch',
      ]),
    )
    const unique = [...new Map(broken.map((b) => [`${b.rule} ${b.element}`, b])).values()]
    expect(unique).toEqual([])
  })
})

import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { haveBrowser, launchChromium } from '../helpers/browser.js'
import { writeY4m } from '../helpers/y4m.js'

/** The harness itself: Chromium's fake camera shows what the Y4M file holds. */
describe.skipIf(!haveBrowser)('the browser harness', () => {
  it('plays a Y4M file as the camera', { timeout: 60_000 }, async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ejia-y4m-')), 'red.y4m')
    const red = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#d02020' } })
      .png()
      .toBuffer()
    await writeY4m(file, [red], { width: 320, height: 240, fps: 10, framesEach: 5 })
    // getUserMedia needs a secure context: localhost is one
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<video autoplay muted playsinline></video>')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as { port: number }
    const browser = await launchChromium({ camera: file })
    try {
      const page = await browser.newPage()
      await page.goto(`http://localhost:${port}/`)
      const rgb = await page.evaluate(async () => {
        const stream = await navigator.mediaDevices.getUserMedia({ video: true })
        const video = document.querySelector('video') as HTMLVideoElement
        video.srcObject = stream
        await new Promise((r) => video.addEventListener('playing', r, { once: true }))
        const canvas = document.createElement('canvas')
        canvas.width = video.videoWidth
        canvas.height = video.videoHeight
        const ctx = canvas.getContext('2d') as CanvasRenderingContext2D
        ctx.drawImage(video, 0, 0)
        const d = ctx.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data
        return [d[0], d[1], d[2], canvas.width, canvas.height]
      })
      const [r, g, b, w, h] = rgb as number[]
      expect([w, h]).toEqual([320, 240])
      expect(r).toBeGreaterThan(170)
      expect(g).toBeLessThan(80)
      expect(b).toBeLessThan(80)
    } finally {
      await browser.close()
      server.close()
    }
  })
})

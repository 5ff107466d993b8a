import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

export const CHROMIUM = process.env.EJIA_CHROMIUM ?? '/usr/bin/chromium'

/**
 * Browser tests run where Chromium is installed; CI requires them (EJIA_REQUIRE_BROWSER=1),
 * so a failed install fails the run instead of skipping them quietly.
 */
export const haveBrowser = existsSync(CHROMIUM) || process.env.EJIA_REQUIRE_BROWSER === '1'

/**
 * Debian's Chromium, headless, with the flags this closed network needs (no background
 * connections) and, when given a Y4M file, a fake camera playing it.
 */
export function launchChromium(opts: { camera?: string } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      ...(opts.camera ? [`--use-file-for-fake-video-capture=${opts.camera}`] : []),
    ],
  })
}

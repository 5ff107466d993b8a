import { type Browser, chromium } from 'playwright-core'

export const CHROMIUM = process.env.EJIA_CHROMIUM ?? '/usr/bin/chromium'

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

import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'
import { fakeAgent } from './dev/fakeAgent.js'

/**
 * `npm run dev -w kiosk-ui` proxies the API to a running edge agent (EJIA_EDGE_URL, default the
 * agent's standard local port). `npm run dev:fake -w kiosk-ui` (EJIA_FAKE=1, or `--mode fake`)
 * serves it from an in-memory fake agent fed by protocol/fixtures instead (dev/fakeAgent.ts),
 * with controls under /__fake/. The built UI is served by the agent itself.
 */
export default defineConfig(({ mode }) => {
  const fake = process.env.EJIA_FAKE === '1' || mode === 'fake'
  return {
    plugins: [preact(), ...(fake ? [fakeAgent()] : [])],
    base: './',
    server: fake ? {} : { proxy: { '/api': process.env.EJIA_EDGE_URL ?? 'http://127.0.0.1:8731' } },
    build: { outDir: 'dist', emptyOutDir: true },
  }
})

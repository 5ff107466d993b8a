import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'
import { fakeHub } from './dev/fakeHub.js'

/**
 * `npm run dev -w hub/dashboard` proxies /api to a running hub (EJIA_HUB_URL, default
 * http://127.0.0.1:8080). `npm run dev:fake -w hub/dashboard` (EJIA_FAKE=1, or `--mode fake`)
 * serves it from an in-memory fake hub instead (dev/fakeHub.ts): a synthetic district of
 * EJIA_FAKE_STATIONS stations (500 by default) that keeps reporting. The hub serves the build.
 */
export default defineConfig(({ mode }) => {
  const fake = process.env.EJIA_FAKE === '1' || mode === 'fake'
  const stations = Number(process.env.EJIA_FAKE_STATIONS ?? 500)
  return {
    plugins: [preact(), ...(fake ? [fakeHub({ stations })] : [])],
    // absolute: the hub answers index.html for deep paths such as /fleet
    base: '/',
    server: fake ? {} : { proxy: { '/api': process.env.EJIA_HUB_URL ?? 'http://127.0.0.1:8080' } },
    build: { outDir: 'dist', emptyOutDir: true },
  }
})

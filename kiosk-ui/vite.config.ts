import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'

// `npm run dev -w kiosk-ui` proxies the API to a running edge agent (EJIA_EDGE_URL,
// default the agent's standard local port). The built UI is served by the agent itself.
export default defineConfig({
  plugins: [preact()],
  base: './',
  server: {
    proxy: { '/api': process.env.EJIA_EDGE_URL ?? 'http://127.0.0.1:8731' },
  },
  build: { outDir: 'dist', emptyOutDir: true },
})

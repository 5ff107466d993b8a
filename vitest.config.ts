import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Packages export their TypeScript source under this condition, so tests run on source
  // while processes spawned by end-to-end tests run the built dist/. Tests run in Vite's
  // server (SSR) environment, whose resolver has its own list.
  resolve: { conditions: ['ejia-source'] },
  ssr: { resolve: { conditions: ['ejia-source'], externalConditions: ['ejia-source'] } },
  test: {
    include: ['*/src/**/*.test.ts', 'hub/dashboard/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
})

import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    // Packages export their TypeScript source under this condition, so tests run on
    // source while processes spawned by end-to-end tests run the built dist/.
    conditions: ['ejia-source'],
  },
  test: {
    include: ['*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
})

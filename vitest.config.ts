import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // e2e tests spawn the bundled action; a global setup builds it once so they never run a stale dist/.
    globalSetup: ['test/global-setup.ts'],
  },
})

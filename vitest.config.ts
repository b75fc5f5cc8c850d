import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Integration and e2e tests spawn the CLI, GDAL and Chromium; unit tests are fast anyway.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep parallel forks modest so Chromium and better-sqlite3 tests do not starve.
    maxWorkers: 2,
  },
});

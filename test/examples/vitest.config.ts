import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// `npm run test:examples`: each recipe under examples/ installed from the
// packed tarball (packed once, setup.ts) and run as printed in the README.
export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    name: 'examples',
    include: ['test/examples/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/examples/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    maxWorkers: 2,
    // Real installs, servers and Chromium: a failed test runs once more, named by the reporter.
    retry: 1,
  },
});

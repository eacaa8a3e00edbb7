import { defineConfig } from 'vitest/config';

// Three projects: node for the identity model and the server, happy-dom for
// the widget's unit tests, and real headless Chromium (driven from node) for
// the browser tests under test/e2e.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          // Property tests run thousands of cases: on a loaded machine they need more than vitest's 5 s.
          testTimeout: 30_000,
          // Real redis-server, Cluster, nginx and SQLite processes: a failed test runs once more and the
          // reporter names it ("retry x1"); each retry seen is a race to find (see the e2e project).
          retry: 1,
          include: ['test/*.test.ts', 'test/helpers/**/*.test.ts', 'test/identity/**/*.test.ts', 'test/server/**/*.test.ts', 'test/sign/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/package/**/*.test.ts', 'test/readme/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'dom',
          include: ['test/client/**/*.test.ts', 'test/inbox/**/*.test.ts'],
          environment: 'happy-dom',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/soak/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          // A real browser and real servers on a shared 2-core machine: a test that fails is run once
          // more, and the reporter names it ("retry x1"). Every such retry is read as a race to find,
          // not as a pass: each one seen so far was fixed at its cause (a wait for the server's state).
          retry: 1,
          // Browsers on a loaded machine: a poll waits up to 10 s for what a person would see (never a speed check).
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

// Two tiers, told apart by the file name alone, so a new file lands in exactly one of them:
// - slow: `*.slow.test.ts` files run other programs (promtool, Prometheus, tsc, openssl, docker-compose,
//   npm, git, the CLI or the demo as child processes) or load the pipeline for long (soak, stress);
// - fast: every other test file, in-process only (servers on loopback inside the test process are
//   fine). `npm run test:fast` is the inner loop and stays under 30 s on two cores; test/tiers.test.ts
//   fails a fast file that reaches node:child_process.
// `npm test` runs both, fast first.
const SLOW = ['test/**/*.slow.test.ts', 'test/**/*.slow.test.mjs'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'fast',
          include: ['test/**/*.test.ts', 'test/**/*.test.mjs'],
          exclude: SLOW,
          sequence: { groupOrder: 0 },
          // In-process files share two cores well; the default would be one worker here.
          maxWorkers: 2,
          // Only the first check of a redaction pattern (recheck, once per process) takes seconds.
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'slow',
          include: SLOW,
          sequence: { groupOrder: 1 },
          // Real tools and servers on a shared machine can be slow; promtool's files set their own.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

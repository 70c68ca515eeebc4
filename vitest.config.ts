import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.mjs'],
    // Type tests and the service-spec test run the real compiler; a shared CI machine can be slow.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'marble-tests/**/*.test.ts'],
    // Real-engine tests start containers; running files one after another keeps the
    // socket and handle counts of one file free of another's.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

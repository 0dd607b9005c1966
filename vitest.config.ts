import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'libs/**/*.test.ts',
      'services/**/*.test.ts',
      'test/**/*.test.ts',
      'bench/**/*.test.ts',
      'scripts/**/*.test.mjs',
      'bin/**/*.test.mjs',
    ],
    // Each integration file starts its own nats-server; two cores hold about this many at once.
    maxWorkers: 2,
    // A guard against a hang, not a measure: end-to-end tests run the CLI as processes, several
    // seconds each when other work shares the two cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Temporal's native worker runs best in child processes; two cores, so one file at a time
    // for the integration tier keeps the servers from starving each other.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'tiers', include: ['test/**/*.test.ts'], exclude: ['test/faults/**'], sequence: { groupOrder: 0 } } },
      // The fault tier kills and restarts servers of its own: after every other tier, and alone.
      { extends: true, test: { name: 'faults', include: ['test/faults/**/*.test.ts'], sequence: { groupOrder: 1 }, maxWorkers: 1 } },
    ],
  },
});

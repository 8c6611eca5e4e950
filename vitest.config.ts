import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Temporal's native worker runs best in child processes; two cores, so one file at a time
    // for the integration tier keeps the servers from starving each other.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'tiers',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/faults/**', 'test/cluster/**'],
          sequence: { groupOrder: 0 },
        },
      },
      // The fault tier kills and restarts servers of its own: after every other tier, and alone.
      { extends: true, test: { name: 'faults', include: ['test/faults/**/*.test.ts'], sequence: { groupOrder: 1 }, maxWorkers: 1 } },
      {
        // The cluster profile (scripts/cluster-up.sh): a Temporal server of its own, so it runs
        // after every other tier and alone. Its first start builds the server when not cached.
        extends: true,
        test: {
          name: 'cluster',
          include: ['test/cluster/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 1_800_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});

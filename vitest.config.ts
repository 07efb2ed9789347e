import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{api,backend,cli,db,electron,trainer,report,renderer/src}/**/*.test.ts'],
    // Trainer tests run real (small) TF.js models: give them room on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

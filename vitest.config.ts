import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  // Compiles .svelte files so renderer component tests can render them (server-side, no DOM).
  plugins: [svelte()],
  test: {
    include: ['{api,backend,cli,cluster,db,electron,trainer,paper,vocabulary,report,renderer/src}/**/*.test.ts'],
    // Trainer tests run real (small) TF.js models: give them room on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

// Main process and trainer process bundles (Forge merges this over its defaults). The package is
// "type": "module", so CommonJS output needs the .cjs extension. Native and TF.js packages stay
// outside the bundle: they load their own binaries (.node, .wasm) relative to their folders. The
// list is electron/externals.ts, which packaging (forge.config.ts) copies into the app.
import { defineConfig } from 'vite';
import { EXTERNAL_PATTERNS } from './electron/externals';

export default defineConfig({
  build: {
    // dp-worker: the trainer's data-parallel replicas (worker threads) load it from beside trainer.cjs
    lib: { entry: { main: 'electron/main.ts', trainer: 'trainer/process/trainer-process.ts', 'dp-worker': 'trainer/compute/dp-worker.ts' }, formats: ['cjs'], fileName: (_format, name) => `${name}.cjs` },
    rollupOptions: {
      external: [...EXTERNAL_PATTERNS],
    },
  },
});

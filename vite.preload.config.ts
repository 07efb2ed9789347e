// The preload runs sandboxed: one self-contained CommonJS file with no Node imports besides electron.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    rollupOptions: {
      output: { format: 'cjs', inlineDynamicImports: true, entryFileNames: '[name].cjs' },
    },
  },
});

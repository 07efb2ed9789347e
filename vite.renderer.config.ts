// Builds the Svelte renderer into .vite/renderer, which both Electron and the browser-mode server
// load. Relative base so the same files work from file:// (Electron) and http:// (browser mode).
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../.vite/renderer',
    emptyOutDir: true,
    // ECharts is one large chunk by nature; the app loads from disk, so size only matters a little.
    chunkSizeWarningLimit: 1500,
  },
});

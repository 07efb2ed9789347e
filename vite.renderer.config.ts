// Builds the Svelte renderer into .vite/renderer/main_window, which both Electron and the browser-mode server
// load (Forge's layout: .vite/renderer/<window name>). Relative base so the same files work from file:// (Electron) and http:// (browser mode).
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../.vite/renderer/main_window',
    emptyOutDir: true,
    // ECharts is one large chunk by nature; the app loads from disk, so size only matters a little.
    chunkSizeWarningLimit: 1500,
  },
});

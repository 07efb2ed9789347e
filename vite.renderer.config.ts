// Builds the Svelte renderer into .vite/renderer/main_window, which both Electron and the browser-mode server
// load (Forge's layout: .vite/renderer/<window name>). Relative base so the same files work from file:// (Electron) and http:// (browser mode).
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { APP_CSP_META } from './vocabulary/csp';

/** Writes the page's CSP meta tag from the one definition (vocabulary/csp.ts). */
export function cspMetaTag(): Plugin {
  return {
    name: 'workbench-csp-meta',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: APP_CSP_META }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte(), cspMetaTag()],
  build: {
    outDir: '../.vite/renderer/main_window',
    emptyOutDir: true,
    // ECharts is one large chunk by nature; the app loads from disk, so size only matters a little.
    chunkSizeWarningLimit: 1500,
  },
});

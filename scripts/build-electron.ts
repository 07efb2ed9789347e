// Builds the Electron bundles (main + trainer, preload) the way Forge's Vite plugin does, without
// Forge: the e2e launch test and `npm start` use it. Output: .vite/build/{main,trainer,dp-worker,preload}.cjs.
import { builtinModules } from 'node:module';
import { build, mergeConfig, type InlineConfig } from 'vite';
import mainConfig from '../vite.main.config';
import preloadConfig from '../vite.preload.config';

// Merged with vite.main.config.ts's own list (electron/externals.ts): arrays concatenate.
const external = ['electron', ...builtinModules.flatMap((m) => [m, `node:${m}`])];
const define = { MAIN_WINDOW_VITE_DEV_SERVER_URL: 'undefined', MAIN_WINDOW_VITE_NAME: JSON.stringify('main_window') };

const common: InlineConfig = {
  configFile: false,
  logLevel: 'warn',
  define,
  build: { outDir: '.vite/build', emptyOutDir: false, minify: false, sourcemap: true, ssr: false },
  resolve: { conditions: ['node'], mainFields: ['module', 'jsnext:main', 'jsnext'] },
};

await build(
  mergeConfig(mergeConfig(common, mainConfig), {
    build: { rollupOptions: { external } },
  }),
);
await build(
  mergeConfig(mergeConfig(common, preloadConfig), {
    build: { rollupOptions: { input: { preload: 'electron/preload.ts' }, external } },
  }),
);
process.stdout.write('built .vite/build/main.cjs, trainer.cjs, dp-worker.cjs, preload.cjs\n');

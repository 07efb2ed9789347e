// Electron Forge: package, make (zip, deb), and build each process with Vite.
import type { ForgeConfig } from '@electron-forge/shared-types';
import { MakerZIP } from '@electron-forge/maker-zip';
import { MakerDeb } from '@electron-forge/maker-deb';
import { VitePlugin } from '@electron-forge/plugin-vite';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { copyExternals } from './electron/externals';

const config: ForgeConfig = {
  packagerConfig: {
    name: 'NTP+RL Workbench',
    executableName: 'ntp-rl-workbench',
    // Native modules and TF.js's .wasm files must be real files on disk, not inside the asar.
    asar: { unpack: '**/{*.node,*.wasm}' },
  },
  hooks: {
    // Forge's Vite plugin packages only .vite/: the packages the bundles leave external (the same
    // list vite.main.config.ts uses) and better-sqlite3's Electron build must be copied in.
    packageAfterCopy: async (_config, buildPath) => {
      copyExternals(process.cwd(), buildPath);
    },
  },
  rebuildConfig: {
    // The Node build of better-sqlite3 stays in node_modules for tests and the CLI; the app
    // loads its own Electron build (scripts/electron-native.js, db/native.ts).
    onlyModules: [],
  },
  makers: [new MakerZIP({}, ['darwin', 'linux', 'win32']), new MakerDeb({ options: { categories: ['Science', 'Development'] } })],
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/main.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
    }),
    new FusesPlugin({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    }),
  ],
};

export default config;

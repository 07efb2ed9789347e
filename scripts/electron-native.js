// Builds better-sqlite3 for Electron's ABI into .electron-native/<electron version>/, leaving the
// Node build in node_modules alone: tests and the CLI (Node) and the app (Electron) each load their
// own binary (db/native.ts picks), so neither `npm test` nor `npm start` breaks the other.
// Needs Electron's headers, so internet, the first time only.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export function electronNativeBinding(electronVersion) {
  return join(root, '.electron-native', electronVersion, 'better_sqlite3.node');
}

export function buildElectronNative(electronVersion) {
  const target = electronNativeBinding(electronVersion);
  if (existsSync(target)) return { ok: true, path: target };
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  const work = join(root, '.electron-native', `build-${electronVersion}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const part of ['binding.gyp', 'src', 'deps', 'package.json']) cpSync(join(source, part), join(work, part), { recursive: true });
  const gyp = require.resolve('@electron/node-gyp/bin/node-gyp.js');
  const result = spawnSync(
    process.execPath,
    [gyp, 'rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'],
    { cwd: work, stdio: 'inherit' },
  );
  if (result.status !== 0) return { ok: false, reason: `node-gyp exited with ${result.status ?? result.signal}` };
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
  rmSync(work, { recursive: true, force: true });
  return { ok: true, path: target };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const version = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  const result = buildElectronNative(version);
  console.log(result.ok ? `better-sqlite3 for Electron ${version}: ${result.path}` : `could not build better-sqlite3 for Electron ${version}: ${result.reason}`);
  process.exitCode = result.ok ? 0 : 1;
}

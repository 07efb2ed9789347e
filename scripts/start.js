// `npm start`: the desktop app where Electron can run here; otherwise one clear line saying why,
// and browser mode instead (same UI, same backend, on 127.0.0.1 with a per-launch token).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectronNative } from './electron-native.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');

/** Path of the Electron executable, or null when the package's binary was never downloaded. */
export function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Rebuild the UI only when a renderer source is newer than the build. */
function buildRendererIfStale() {
  const built = join(root, '.vite', 'renderer', 'main_window', 'index.html');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const sources = [join(root, 'renderer'), join(root, 'api'), join(root, 'vocabulary')];
  const newest = (path) => {
    const info = statSync(path);
    if (!info.isDirectory()) return info.mtimeMs;
    return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
  };
  if (sources.some((path) => existsSync(path) && newest(path) > builtAt)) run('npm', ['run', '--silent', 'build:renderer']);
}

function serveBrowserMode(why) {
  console.log(`Electron is unavailable here (${why}): serving browser mode instead.`);
  buildRendererIfStale();
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'serve', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

let binary = electronBinary();
let downloadError = '';
if (!binary) {
  // npm install skips electron's download script (allowScripts): fetch the binary now, once.
  console.log('Electron binary not installed yet: fetching it (node_modules/electron/install.js)...');
  const fetched = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, encoding: 'utf8', timeout: 300_000 });
  binary = fetched.status === 0 ? electronBinary() : null;
  if (!binary) downloadError = (fetched.stderr || fetched.stdout || String(fetched.error ?? '')).split('\n').find((l) => l.trim()) ?? 'unknown error';
}

if (!binary) {
  serveBrowserMode(`its binary could not be downloaded: ${downloadError.trim()}`);
} else if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  serveBrowserMode('no display: DISPLAY and WAYLAND_DISPLAY are unset');
} else {
  const version = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
  const native = buildElectronNative(version);
  if (!native.ok) {
    serveBrowserMode(`better-sqlite3 could not be built for Electron ${version}: ${native.reason}`);
  } else {
    buildRendererIfStale();
    run(process.execPath, ['--import', 'tsx', 'scripts/build-electron.ts']);
    const app = spawn(binary, ['.'], { cwd: root, stdio: 'inherit' });
    app.on('exit', (code) => process.exit(code ?? 0));
  }
}

// Builds the optional native GEMM addon (native/build/Release/workbench_gemm.node) with node-gyp.
// Run by package.json's postinstall, where it must never fail an install: a machine without a C
// compiler, Node's headers or OpenBLAS gets one line saying so and the trainer keeps its WASM
// kernels. `npm run build:native` runs it with --strict, which exits non-zero on failure.
// It builds in a temporary folder and then renames the binary into place, so a failed build
// leaves a working addon alone and a process loading it never sees half a file.
// `--out DIR` puts the binary elsewhere (the tests build into a temporary folder).
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const strict = args.includes('--strict');
const outDir = args.includes('--out') ? resolve(args[args.indexOf('--out') + 1]) : join(here, 'build', 'Release');
const require = createRequire(import.meta.url);

function done(ok, line) {
  (ok ? process.stdout : process.stderr).write(`native GEMM: ${line}\n`);
  process.exit(ok || !strict ? 0 : 1);
}

if (process.env.WORKBENCH_NATIVE_GEMM === '0') done(true, 'not built (WORKBENCH_NATIVE_GEMM=0)');
if (process.platform === 'win32') done(false, 'not built (Windows: the addon needs dlopen); the trainer uses its WASM kernels');

// npm hands its own node-gyp to install scripts; otherwise use the one in node_modules.
function findNodeGyp() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  for (const id of ['node-gyp/bin/node-gyp.js', '@electron/node-gyp/bin/node-gyp.js']) {
    try {
      return require.resolve(id);
    } catch {
      // try the next
    }
  }
  return null;
}

const gyp = findNodeGyp();
if (!gyp) done(false, 'not built (node-gyp not found); the trainer uses its WASM kernels');
// The running Node's own headers (<prefix>/include/node, shipped by distributions and by Node's
// tarballs) when npm names none: node-gyp would otherwise download them, which fails offline.
const gypArgs = [gyp, 'rebuild', '--release'];
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'common.gypi'))) gypArgs.push(`--nodedir=${prefix}`);

const work = mkdtempSync(join(os.tmpdir(), 'workbench-gemm-'));
const built = join(outDir, 'workbench_gemm.node');
let failure = null;
try {
  for (const part of ['binding.gyp', 'src']) cpSync(join(here, part), join(work, part), { recursive: true });
  const r = spawnSync(process.execPath, gypArgs, { cwd: work, encoding: 'utf8' });
  if (r.status === 0) {
    mkdirSync(outDir, { recursive: true });
    copyFileSync(join(work, 'build', 'Release', 'workbench_gemm.node'), `${built}.tmp`);
    renameSync(`${built}.tmp`, built);
  } else {
    // The first line that names the cause (a compiler error, node-gyp's stack head), else the last.
    const lines = `${r.stderr ?? ''}${r.error ? r.error.message : ''}`.trim().split('\n');
    failure = (lines.find((l) => /error:|Error:|not found/.test(l)) ?? lines.at(-1) ?? '').replace(/^gyp ERR! (stack )?/, '').trim();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failure !== null) done(false, `not built (node-gyp rebuild failed: ${failure}); the trainer uses its WASM kernels`);
try {
  const info = require(built).info();
  done(true, info.ok ? `built ${built}; ${info.config} at ${info.library}` : `built ${built}, but no OpenBLAS loads (${info.error}); install libopenblas0-pthread`);
} catch (err) {
  done(false, `built ${built}, but it does not load: ${err instanceof Error ? err.message : String(err)}`);
}

// Which TensorFlow.js backends this machine can run, found without loading TF.js into the
// backend process (the trainer process loads the one it uses).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BackendAvailability } from '../api/types';
import { probeWebgpuAdapter } from '../trainer/compute/webgpu-probe';

const require = createRequire(import.meta.url);

function packageVersion(name: string): string | null {
  try {
    const manifest = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/** Native bindings can be installed yet fail to load (no CUDA, wrong glibc): try in a throwaway process. */
function loadsInChild(name: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', `require(${JSON.stringify(name)})`], { timeout: 60_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (err, _stdout, stderr) =>
      resolve(err ? (stderr.trim().split('\n').at(-1) ?? err.message) : null),
    );
  });
}

async function nativeBackend(name: 'tensorflow-gpu' | 'tensorflow', pkg: string): Promise<BackendAvailability> {
  const version = packageVersion(pkg);
  if (!version) return { name, available: false, version: null, note: `${pkg} is not installed (optional: its install downloads libtensorflow)` };
  const error = await loadsInChild(pkg);
  return error ? { name, available: false, version, note: `${pkg} is installed but does not load: ${error}` } : { name, available: true, version, note: `${pkg} loads` };
}

function wasmBackend(): BackendAvailability {
  const version = packageVersion('@tensorflow/tfjs-backend-wasm');
  if (!version) return { name: 'wasm', available: false, version: null, note: '@tensorflow/tfjs-backend-wasm is not installed' };
  const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const ok = existsSync(join(dist, 'tfjs-backend-wasm.wasm'));
  return { name: 'wasm', available: ok, version, note: ok ? 'WebAssembly with SIMD (XNNPACK kernels)' : `tfjs-backend-wasm.wasm missing from ${dist}` };
}

/**
 * `available` means what 'auto' would take (the app shows the first available one as the backend
 * runs get): a software adapter is not, though it runs when 'webgpu' is named in the config.
 */
async function webgpuBackend(): Promise<BackendAvailability> {
  const probe = await probeWebgpuAdapter();
  if (!probe.version || !probe.adapter) return { name: 'webgpu', available: false, version: probe.version, note: probe.note };
  if (probe.adapter.software) {
    return { name: 'webgpu', available: false, version: probe.version, note: `${probe.note}: not chosen by auto (slower than WASM on CPUs); runs when backend 'webgpu' is named` };
  }
  return { name: 'webgpu', available: true, version: probe.version, note: probe.note };
}

let cached: Promise<BackendAvailability[]> | null = null;

/** In the trainer's order of preference; probed once per process. */
export function probeBackends(): Promise<BackendAvailability[]> {
  cached ??= (async () => {
    const core = packageVersion('@tensorflow/tfjs-core');
    return [
      await nativeBackend('tensorflow-gpu', '@tensorflow/tfjs-node-gpu'),
      await webgpuBackend(),
      await nativeBackend('tensorflow', '@tensorflow/tfjs-node'),
      wasmBackend(),
      { name: 'cpu', available: core !== null, version: core, note: 'plain JavaScript (slowest)' },
    ];
  })();
  return cached;
}

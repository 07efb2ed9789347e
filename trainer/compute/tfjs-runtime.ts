// Picks and initialises the TF.js backend the trainer runs on.
//
// Preference (issues 3 and 12): tfjs-node-gpu, WebGPU on a hardware adapter, tfjs-node, wasm, cpu.
// The native packages and Dawn (`webgpu`) are optionalDependencies that may be absent or fail to
// load, so they are loaded with a dynamic import and their absence is a note, not an error, under
// 'auto'. A software WebGPU adapter (lavapipe, SwiftShader) runs only when 'webgpu' is named.
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { installFastWasmKernels } from './fast-wasm';
import { loadNativeGemm } from './native-gemm';
import { GemmWorker } from './wasm-gemm-worker';
import { adapterLabel, type WebgpuAdapter } from './webgpu-adapter';
import { activateWebgpu } from './webgpu-backend';

export type BackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  version: string;
  /** Threads the backend computes with (WASM here: 1, see model-api.md). */
  threads: number;
  /** One human line: what was chosen and why the better ones were not. */
  note: string;
  /** The WebGPU backend's device (also named in `version`, which the run records). */
  adapter?: WebgpuAdapter;
}

export const BACKEND_PREFERENCE: readonly BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

let current: { pref: BackendName | 'auto'; info: BackendInfo } | null = null;

/** Initialise a backend once per process; later calls return the first result. */
export async function initBackend(pref: BackendName | 'auto'): Promise<BackendInfo> {
  if (current) {
    if (pref !== 'auto' && pref !== current.pref && pref !== current.info.name) {
      throw new Error(`backend already initialised as ${current.info.name}; cannot switch to ${pref} in the same process`);
    }
    return current.info;
  }
  // PROD silences TF.js's console warnings, e.g. the cpu backend's "install our node backend"
  // banner: our note already says which backend runs and why.
  tf.enableProdMode();
  const info = pref === 'auto' ? await initAuto() : await initNamed(pref, [], { allowSoftwareAdapter: true });
  current = { pref, info };
  return info;
}

/** The backend chosen by initBackend, or null before it ran. */
export function currentBackend(): BackendInfo | null {
  return current?.info ?? null;
}

async function initAuto(): Promise<BackendInfo> {
  const skipped: string[] = [];
  for (const name of BACKEND_PREFERENCE) {
    try {
      return await initNamed(name, skipped, { allowSoftwareAdapter: false });
    } catch (err) {
      skipped.push(`${name} unavailable: ${firstLine(err)}`);
    }
  }
  throw new Error(`no TF.js backend could be initialised (${skipped.join('; ')})`);
}

async function initNamed(name: BackendName, skipped: string[], opts: { allowSoftwareAdapter: boolean }): Promise<BackendInfo> {
  const why = skipped.length ? ` (${skipped.join('; ')})` : '';
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      const pkg = name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      try {
        // A variable specifier keeps bundlers and tsc from resolving a package that may be absent.
        const mod = (await import(/* @vite-ignore */ pkg)) as { version?: Record<string, string> };
        await activate('tensorflow');
        const version = mod.version?.['tfjs-node'] ?? tf.version.tfjs;
        return { name, version, threads: os.cpus().length, note: `${name} (${pkg} ${version})${why}` };
      } catch (err) {
        throw new Error(`backend '${name}' cannot load: ${pkg}: ${firstLine(err)}`);
      }
    }
    case 'webgpu': {
      try {
        const { adapter, version } = await activateWebgpu(opts.allowSoftwareAdapter);
        const label = adapterLabel(adapter);
        return { name, version: `${version} on ${label}`, threads: 1, adapter, note: `webgpu (tfjs-backend-webgpu ${version}) on ${label}${why}` };
      } catch (err) {
        throw new Error(`backend 'webgpu' cannot run: ${firstLine(err)}`);
      }
    }
    case 'wasm': {
      try {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        wasm.setWasmPaths(wasmDistDir());
        await activate('wasm');
        // Matrix products on OpenBLAS where the native addon loads (native/); the WASM kernels otherwise.
        const native = loadNativeGemm();
        // Opt-in second core for large matrix products (see wasm-gemm-worker.ts): on this
        // (shared, virtualised) machine it has not yet measured faster, so it is off by default.
        // It splits the WASM GEMMs only, so with native sgemm it would idle.
        const wantWorker = gemmThreadsRequested() > 1 && !native.ok;
        const worker = wantWorker ? await GemmWorker.start() : null;
        installFastWasmKernels({ worker, native: native.ok ? native.gemm : null });
        const threads = worker ? 2 : wasm.getThreadsCount();
        const workerNote = wantWorker && !worker ? ', GEMM worker failed to start' : '';
        const gemmNote = native.ok ? `, matmul on ${native.label} sgemm (${native.library})` : `, native GEMM ${native.reason}`;
        return {
          name,
          version: native.ok ? `${wasm.version_wasm} + ${native.label} sgemm` : wasm.version_wasm,
          threads,
          note: `wasm ${wasm.version_wasm}, SIMD, ${threads === 1 ? '1 thread' : `${threads} threads (GEMM worker)`}, fast matmul kernels${gemmNote}${workerNote}${why}`,
        };
      } catch (err) {
        throw new Error(`backend 'wasm' cannot load: ${firstLine(err)}`);
      }
    }
    case 'cpu': {
      await activate('cpu');
      return { name, version: tf.version.tfjs, threads: 1, note: `cpu (pure JS, slow)${why}` };
    }
  }
}

/** WORKBENCH_WASM_THREADS=2 turns the GEMM worker on. */
function gemmThreadsRequested(): number {
  const v = Number(process.env.WORKBENCH_WASM_THREADS ?? '1');
  return Number.isInteger(v) && v > 0 ? v : 1;
}

async function activate(backend: string): Promise<void> {
  const ok = await tf.setBackend(backend);
  await tf.ready();
  if (!ok || tf.getBackend() !== backend) throw new Error(`tf.setBackend('${backend}') failed`);
}

/** The folder holding the .wasm binaries, found through Node's resolver (works from any cwd). */
function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkgJson), 'dist') + path.sep;
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0].slice(0, 400);
}

// Loads the optional native GEMM addon (native/: OpenBLAS sgemm on a Float32Array) for the
// WASM backend's BatchMatMul (fast-wasm.ts). Its absence is a reason, never an error: the
// addon may be unbuilt (no compiler at install), OpenBLAS missing, or turned off by
// WORKBENCH_NATIVE_GEMM=0; the trainer then keeps its WASM kernels and the run's note says why.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The addon's functions (native/src/gemm.c). Offsets and strides count floats of `heap`. */
export interface NativeGemm {
  sgemmBatched(
    heap: Float32Array, aAt: number, bAt: number, cAt: number,
    batch: number, strideA: number, strideB: number, strideC: number,
    m: number, n: number, k: number, transA: boolean, transB: boolean,
  ): void;
  info(): { ok: true; library: string; config: string } | { ok: false; error: string };
}

export type NativeGemmLoad =
  | { ok: true; gemm: NativeGemm; library: string; config: string; /** e.g. "OpenBLAS 0.3.21" */ label: string }
  | { ok: false; reason: string };

const ADDON = path.join('native', 'build', 'Release', 'workbench_gemm.node');

let cached: NativeGemmLoad | null = null;

/** The addon with OpenBLAS loaded, or why not. Loaded once per thread (each worker its own copy). */
export function loadNativeGemm(): NativeGemmLoad {
  cached ??= tryLoad();
  return cached;
}

function tryLoad(): NativeGemmLoad {
  if (process.env.WORKBENCH_NATIVE_GEMM === '0') return { ok: false, reason: 'off (WORKBENCH_NATIVE_GEMM=0)' };
  const file = addonPath();
  if (!file) return { ok: false, reason: `addon not built (${ADDON}; run npm run build:native)` };
  let gemm: NativeGemm;
  try {
    gemm = createRequire(import.meta.url)(file) as NativeGemm;
  } catch (err) {
    return { ok: false, reason: `addon does not load: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}` };
  }
  const info = gemm.info();
  if (!info.ok) return { ok: false, reason: `no OpenBLAS (install libopenblas0-pthread): ${info.error}` };
  const label = /^OpenBLAS [\d.]+/.exec(info.config)?.[0] ?? 'OpenBLAS';
  return { ok: true, gemm, library: info.library, config: info.config, label };
}

/** Where a system OpenBLAS library sits (the usual Debian/Ubuntu and Homebrew places), or null. */
export function systemOpenBlas(): string | null {
  const places = ['/opt/homebrew/opt/openblas/lib/libopenblas.dylib', '/usr/local/opt/openblas/lib/libopenblas.dylib'];
  for (const lib of ['/usr/lib', '/usr/lib64']) {
    if (!fs.existsSync(lib)) continue;
    for (const arch of fs.readdirSync(lib)) {
      for (const flavour of ['openblas-pthread', 'openblas-openmp', 'openblas-serial', '.']) {
        places.push(path.join(lib, arch, flavour, 'libopenblas.so.0'));
      }
    }
    places.push(path.join(lib, 'libopenblas.so.0'));
  }
  return places.find((p) => fs.existsSync(p)) ?? null;
}

/** The built addon under the app root (the unpacked copy inside a packaged app), or null. */
function addonPath(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, ADDON);
    const unpacked = file.replace(`${path.sep}app.asar${path.sep}`, `${path.sep}app.asar.unpacked${path.sep}`);
    if (fs.existsSync(unpacked)) return unpacked;
    if (fs.existsSync(file)) return file;
    if (fs.existsSync(path.join(dir, 'package.json'))) return null;
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

// The native GEMM addon on its own: what it refuses and how it says so. Each case that needs a
// fresh load (the addon picks its library once per process) runs in a child process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNativeGemm, systemOpenBlas } from './native-gemm';

const native = loadNativeGemm();
const root = new URL('../..', import.meta.url).pathname;

/** loadNativeGemm() in a fresh Node process with extra environment. */
function loadIn(env: Record<string, string>): { ok: boolean; reason?: string; label?: string } {
  const code = "import('./trainer/compute/native-gemm.ts').then((m) => { const r = m.loadNativeGemm(); console.log(JSON.stringify({ ok: r.ok, reason: r.reason, label: r.label })); })";
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

/** native/build.js (package.json's postinstall) into a temporary folder. */
function build(args: string[], env: Record<string, string> = {}) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gemm-build-test-'));
  try {
    const r = spawnSync(process.execPath, ['native/build.js', '--out', out, ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}`, built: fs.existsSync(path.join(out, 'workbench_gemm.node')) };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

describe('native GEMM addon', () => {
  it('never fails an install: without a working compiler the build says why and exits 0 (--strict: 1)', () => {
    const soft = build([], { CC: '/bin/false', CXX: '/bin/false' });
    expect(soft.status, soft.output).toBe(0);
    expect(soft.output).toMatch(/^native GEMM: not built \(node-gyp rebuild failed: .+\); the trainer uses its WASM kernels\n$/);
    expect(soft.built).toBe(false);
    expect(build(['--strict'], { CC: '/bin/false', CXX: '/bin/false' }).status).toBe(1);
  });

  it.runIf(native.ok)('builds offline with this Node\'s headers, into place', () => {
    const r = build(['--strict']);
    expect(r.status, r.output).toBe(0);
    expect(r.built).toBe(true);
    expect(r.output).toMatch(/^native GEMM: built .*workbench_gemm\.node; OpenBLAS \d+\.\d+\.\d+/);
  });

  it('WORKBENCH_NATIVE_GEMM=0 turns it off, with the reason', () => {
    expect(loadIn({ WORKBENCH_NATIVE_GEMM: '0' })).toEqual({ ok: false, reason: 'off (WORKBENCH_NATIVE_GEMM=0)' });
  });

  it.runIf(native.ok || systemOpenBlas() !== null)('loads OpenBLAS where it is installed, and refuses a BLAS that is not OpenBLAS', () => {
    expect(native.ok, native.ok ? '' : `OpenBLAS is installed (${systemOpenBlas()}) but ${native.reason}`).toBe(true);
    if (!native.ok) return;
    expect(native.config).toMatch(/^OpenBLAS \d+\.\d+\.\d+/);
    expect(native.label).toMatch(/^OpenBLAS \d+\.\d+\.\d+$/);
    // libm stands in for the reference BLAS: it opens, but has no openblas_get_config
    const refused = loadIn({ WORKBENCH_OPENBLAS: 'libm.so.6' });
    expect(refused.ok).toBe(false);
    expect(refused.reason).toMatch(/^no OpenBLAS \(install libopenblas0-pthread\): libm\.so\.6: not OpenBLAS \(no openblas_get_config\)$/);
    expect(loadIn({ WORKBENCH_OPENBLAS: '/nonexistent/libopenblas.so.0' }).reason).toMatch(/\/nonexistent\/libopenblas\.so\.0: .*No such file/);
  });

  it.runIf(native.ok)('computes op(A) @ op(B) per slice and refuses operands outside the heap', () => {
    if (!native.ok) return;
    const heap = new Float32Array(64);
    heap.set([1, 2, 3, 4, 5, 6], 0); // A [2,3]
    heap.set([1, 0, 0, 1, 1, 1], 8); // B [3,2]; read transposed: [2,3]
    native.gemm.sgemmBatched(heap, 0, 8, 16, 1, 0, 0, 0, 2, 2, 3, false, false);
    expect(Array.from(heap.subarray(16, 20))).toEqual([4, 5, 10, 11]);
    native.gemm.sgemmBatched(heap, 0, 8, 20, 1, 0, 0, 0, 2, 2, 3, false, true); // A @ [[1,0,0],[1,1,1]]^T
    expect(Array.from(heap.subarray(20, 24))).toEqual([1, 6, 4, 15]);
    // two slices sharing B (stride 0): the second A slice is A shifted by 3 floats
    native.gemm.sgemmBatched(heap, 0, 8, 24, 2, 3, 0, 4, 1, 2, 3, false, false);
    expect(Array.from(heap.subarray(24, 32))).toEqual([4, 5, 0, 0, 10, 11, 0, 0]);
    heap.fill(7, 48, 56);
    native.gemm.sgemmBatched(heap, 0, 8, 48, 2, 0, 0, 4, 2, 2, 0, false, false); // k = 0: an empty sum is 0
    expect(Array.from(heap.subarray(48, 56))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const shared = new Float32Array(new SharedArrayBuffer(heap.byteLength)); // a threaded WASM heap
    shared.set(heap);
    native.gemm.sgemmBatched(shared, 0, 8, 40, 1, 0, 0, 0, 2, 2, 3, false, false);
    expect(Array.from(shared.subarray(40, 44))).toEqual([4, 5, 10, 11]);
    expect(() => native.gemm.sgemmBatched(heap, 0, 8, 62, 1, 0, 0, 0, 2, 2, 3, false, false)).toThrow(/outside the heap/);
    expect(() => native.gemm.sgemmBatched(heap, 0, 8, 16, 30, 0, 0, 4, 2, 2, 3, false, false)).toThrow(/outside the heap/);
    expect(() => native.gemm.sgemmBatched(new Float64Array(8) as unknown as Float32Array, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, false, false)).toThrow(/Float32Array/);
    const grown = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    const oldView = new Float32Array(grown.buffer);
    grown.grow(1); // detaches the old buffer, as WASM memory growth does to HEAPF32
    expect(() => native.gemm.sgemmBatched(oldView, 0, 8, 16, 1, 0, 0, 0, 2, 2, 3, false, false)).toThrow(/heap is detached/);
    expect(() => native.gemm.sgemmBatched(heap, -1, 8, 16, 1, 0, 0, 0, 2, 2, 3, false, false)).toThrow(/aAt must be a non-negative integer/);
  });
});

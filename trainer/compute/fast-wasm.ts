// Faster kernels for TF.js's WASM backend (issue 6), installed by backend.ts when wasm is chosen.
//
// TF.js 4.22's WASM BatchMatMul reaches XNNPACK's GEMM only when neither operand is transposed
// and both batch sizes are 1; everything else (every gradient matmul, every attention matmul)
// takes a naive C loop that runs 10-40x slower. The replacement below:
//   1. materialises a transposed operand (a JS loop on the WASM heap for one matrix, the WASM
//      Transpose kernel for a batch of them), choosing for a^T @ b between transposing a and
//      computing (b^T @ a)^T, whichever moves fewer floats (K-chunking these weight-gradient
//      products to keep XNNPACK's packed operand in cache was tried: never faster here);
//   2. runs a batched product as one XNNPACK GEMM per batch slice, handing the C side *views*
//      into the operands' heap memory (extra tensor ids registered at offsets), so no slice or
//      concat copies are made;
//   3. keeps the naive kernel for products too small for the per-call overhead to pay off;
//   4. optionally hands half of each large product to a worker thread (wasm-gemm-worker.ts).
// Where the native addon loaded (native/, native-gemm.ts), every float32 product goes instead to
// OpenBLAS's sgemm, in place on the heap: transposes become BLAS flags
// and a batch is one native call; steps 1, 2 and 4 are then the fallback.
// Sum over leading axes (bias-like and LayerNorm-gain gradients, broadcast adds) is replaced
// by a JS row-sum on the heap: the WASM kernel transposes first and runs ~10x slower.
// Identity (tf.clone, which the gradient tape calls on every tensor it saves for the backward
// pass) shares the input's memory by reference count, as the cpu backend does, instead of
// copying it: TF.js tensors are immutable.
// Results equal the plain kernels up to float32 summation order (fast-wasm.test.ts checks).
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { GemmWorker } from './wasm-gemm-worker';
import type { NativeGemm } from './native-gemm';

type TensorInfo = tf.TensorInfo;

// The Emscripten module's raw exports, called directly: cwrap's argument marshalling costs more
// than a small GEMM when attention runs thousands of them per step.
interface WasmModuleLike {
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _BatchMatMul(aId: number, aShape: number, aRank: number, bId: number, bShape: number, bRank: number, ta: number, tb: number, outId: number): void;
  _register_tensor(id: number, size: number, memoryOffset: number): void;
  _dispose_data(id: number): void;
}

interface BackendWasmInternals {
  wasm: WasmModuleLike;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Below this many multiply-adds per batch slice the naive kernel is faster than a GEMM call. */
const MIN_SLICE_MACS = 8 * 1024;

let installed: tf.KernelConfig[] | null = null;

/** Products with fewer multiply-adds than this stay on the main thread (a hand-off costs ~0.1 ms). */
const SPLIT_MIN_MACS = 1 << 20;

export interface FastWasmOptions {
  /** A started GemmWorker: large products are split between it and the main thread. */
  worker?: GemmWorker | null;
  /** The loaded native addon (native-gemm.ts): products go to OpenBLAS instead of XNNPACK. */
  native?: NativeGemm | null;
}

let sharedWorker: GemmWorker | null = null;
let sharedNative: NativeGemm | null = null;

/** Replace the wasm BatchMatMul, Sum and Identity kernels. Idempotent; no-op on other backends. */
export function installFastWasmKernels(opts: FastWasmOptions = {}): void {
  if (opts.worker !== undefined) sharedWorker = opts.worker;
  if (opts.native !== undefined) sharedNative = opts.native;
  if (installed || tf.getBackend() !== 'wasm') return;
  const origMatMul = tf.getKernel(tf.BatchMatMul, 'wasm');
  const origSum = tf.getKernel(tf.Sum, 'wasm');
  const transpose = tf.getKernel(tf.Transpose, 'wasm');
  if (!origMatMul || !origSum || !transpose) throw new Error('wasm BatchMatMul/Sum/Transpose kernels not registered');
  const backend = tf.backend() as unknown as BackendWasmInternals;
  // Two rank-3 shape buffers on the heap, reused by every call (never freed: 24 bytes).
  const shapes = backend.wasm._malloc(24);
  const ctx: Ctx = {
    backend, shapes, origMatMul: origMatMul.kernelFunc, origSum: origSum.kernelFunc, transpose: transpose.kernelFunc,
    worker: () => (sharedWorker?.healthy ? sharedWorker : null),
    native: () => sharedNative,
  };

  tf.unregisterKernel(tf.BatchMatMul, 'wasm');
  tf.registerKernel({ kernelName: tf.BatchMatMul, backendName: 'wasm', kernelFunc: (args) => fastBatchMatMul(ctx, args) });
  tf.unregisterKernel(tf.Sum, 'wasm');
  tf.registerKernel({ kernelName: tf.Sum, backendName: 'wasm', kernelFunc: (args) => fastSum(ctx, args) });
  const origIdentity = tf.getKernel(tf.Identity, 'wasm')!;
  tf.unregisterKernel(tf.Identity, 'wasm');
  tf.registerKernel({ kernelName: tf.Identity, backendName: 'wasm', kernelFunc: (args) => sharedIdentity(ctx, args, origIdentity.kernelFunc) });
  installed = [origMatMul, origSum, origIdentity];
}

/** Put the stock kernels back (tests compare both). */
export function uninstallFastWasmKernels(): void {
  if (!installed) return;
  for (const k of installed) {
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel(k);
  }
  installed = null;
}

export function fastWasmKernelsInstalled(): boolean {
  return installed !== null;
}

/** Use (or stop using, with null) the native sgemm for products (tests compare both paths). */
export function setNativeGemm(native: NativeGemm | null): void {
  sharedNative = native;
}

/** Use (or stop using, with null) a second thread for large products. */
export function setGemmWorker(worker: GemmWorker | null): void {
  sharedWorker = worker;
}

interface Ctx {
  backend: BackendWasmInternals;
  /** Heap address of [aShape(3), bShape(3)] int32. */
  shapes: number;
  origMatMul: tf.KernelFunc;
  origSum: tf.KernelFunc;
  transpose: tf.KernelFunc;
  worker: () => GemmWorker | null;
  native: () => NativeGemm | null;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

// ---------------------------------------------------------------------------------------------
// BatchMatMul

function fastBatchMatMul(ctx: Ctx, args: KernelArgs): TensorInfo {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return ctx.origMatMul(args) as TensorInfo;

  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const Kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  const batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  // Leave broadcasting across unequal batch shapes, mismatches and tiny products to the stock kernel.
  const outBatchShape = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  const simpleBroadcast = batchA === batchB || batchA === 1 || batchB === 1;
  if (K !== Kb || !simpleBroadcast || batch * M * N === 0) return ctx.origMatMul(args) as TensorInfo;
  const outShape = [...outBatchShape, M, N];

  // Native takes every size: its call costs less than the naive kernel's even at 120 multiply-adds
  // (13 vs 22 us), and decode-time attention ([1024, 1, 32] @ [1024, 32, 40]) runs in 0.35 ms
  // instead of the naive kernel's 6.4 ms (measured here under load).
  const native = ctx.native();
  if (native) {
    const out = ctx.backend.makeOutput([batch, M, N], 'float32');
    const at = (t: TensorInfo) => ctx.backend.dataIdMap.get(t.dataId)!.memoryOffset >>> 2;
    // HEAPF32 read after makeOutput: a malloc may have grown the heap (a new buffer).
    native.sgemmBatched(
      ctx.backend.wasm.HEAPF32, at(a), at(b), at(out), batch,
      batchA === 1 ? 0 : M * K, batchB === 1 ? 0 : K * N, M * N, M, N, K, transposeA, transposeB,
    );
    out.shape = outShape;
    return out;
  }
  if (M * N * K < MIN_SLICE_MACS) return ctx.origMatMul(args) as TensorInfo;

  // 2D a^T @ b with a [K, M], b [K, N]: transposing b and the result can be cheaper.
  if (batch === 1 && transposeA && !transposeB && K * N + M * N < K * M) {
    const bt = transposeHeap(ctx, b, 1, K, N); // [N, K]
    const prod = ctx.backend.makeOutput([1, N, M], 'float32'); // b^T @ a
    gemmSlices(ctx, bt, a, prod, 1, 1, 1, N, K, M);
    ctx.backend.disposeData(bt.dataId);
    const out = transposeHeap(ctx, prod, 1, N, M); // [M, N]
    ctx.backend.disposeData(prod.dataId);
    out.shape = outShape;
    return out;
  }

  const aa = transposeA ? transposeHeap(ctx, a, batchA, K, M) : a; // [batchA, M, K]
  const bb = transposeB ? transposeHeap(ctx, b, batchB, N, K) : b; // [batchB, K, N]
  const out = ctx.backend.makeOutput([batch, M, N], 'float32');
  gemmSlices(ctx, aa, bb, out, batch, batchA, batchB, M, K, N);
  if (aa !== a) ctx.backend.disposeData(aa.dataId);
  if (bb !== b) ctx.backend.disposeData(bb.dataId);
  out.shape = outShape;
  return out;
}

/** One XNNPACK GEMM out[M,N] = a[M,K] @ b[K,N] on raw heap byte offsets (row-major, untransposed). */
function gemmView(ctx: Ctx, aOff: number, bOff: number, oOff: number, M: number, K: number, N: number): void {
  const { backend } = ctx;
  const w = backend.wasm;
  w.HEAP32.set([1, M, K, 1, K, N], ctx.shapes >>> 2);
  // Ids from the backend's own counter never collide with real tensors.
  const aId = backend.dataIdNextNumber++;
  const bId = backend.dataIdNextNumber++;
  const oId = backend.dataIdNextNumber++;
  w._register_tensor(aId, M * K, aOff);
  w._register_tensor(bId, K * N, bOff);
  w._register_tensor(oId, M * N, oOff);
  w._BatchMatMul(aId, ctx.shapes, 3, bId, ctx.shapes + 12, 3, 0, 0, oId);
  // Unregistering b also frees the XNNPACK operator cached on its id (its packed copy).
  w._dispose_data(aId);
  w._dispose_data(bId);
  w._dispose_data(oId);
}

/**
 * out[i] = a[i] @ b[i] for each batch slice, each through XNNPACK's GEMM (the stock kernel's
 * fast path), by registering temporary tensor ids that point into the operands' memory.
 * Operands are untransposed, row-major: a [batchA, M, K], b [batchB, K, N], out [batch, M, N].
 */
function gemmSlices(
  ctx: Ctx, a: TensorInfo, b: TensorInfo, out: TensorInfo,
  batch: number, batchA: number, batchB: number, M: number, K: number, N: number,
): void {
  const { backend } = ctx;
  const aOff = backend.dataIdMap.get(a.dataId)!.memoryOffset;
  const bOff = backend.dataIdMap.get(b.dataId)!.memoryOffset;
  const oOff = backend.dataIdMap.get(out.dataId)!.memoryOffset;
  const worker = batch * M * K * N >= SPLIT_MIN_MACS ? ctx.worker() : null;

  // Split between the worker and this thread: rows of one product, or slices of a batch.
  if (worker && batch === 1 && M >= 16) {
    const m0 = M - (M >> 1); // this thread: rows [0, m0); the worker: [m0, M)
    const Mw = M - m0;
    handOff(ctx, worker, aOff + 4 * m0 * K, bOff, oOff + 4 * m0 * N, 1, Mw, K, N, true, () => {
      gemmWithIds(ctx, a, b, out, m0, K, N);
    });
    return;
  }
  if (worker && batch > 1 && batchA === batch) {
    const b0 = batch - (batch >> 1); // this thread: slices [0, b0); the worker: the rest
    const bShared = batchB === 1;
    handOff(ctx, worker, aOff + 4 * b0 * M * K, bShared ? bOff : bOff + 4 * b0 * K * N, oOff + 4 * b0 * M * N, batch - b0, M, K, N, bShared, () => {
      for (let i = 0; i < b0; i++) gemmView(ctx, aOff + 4 * i * M * K, bShared ? bOff : bOff + 4 * i * K * N, oOff + 4 * i * M * N, M, K, N);
    });
    return;
  }

  if (batch === 1) {
    gemmWithIds(ctx, a, b, out, M, K, N);
    return;
  }
  for (let i = 0; i < batch; i++) {
    const ia = batchA === 1 ? 0 : i;
    const ib = batchB === 1 ? 0 : i;
    gemmView(ctx, aOff + 4 * ia * M * K, bOff + 4 * ib * K * N, oOff + 4 * i * M * N, M, K, N);
  }
}

/**
 * One product on the tensors' own ids (first M rows of a and out): XNNPACK keeps the packed b
 * cached on b's id until b is disposed, so weights used twice are packed once.
 */
function gemmWithIds(ctx: Ctx, a: TensorInfo, b: TensorInfo, out: TensorInfo, M: number, K: number, N: number): void {
  const { backend } = ctx;
  const w = backend.wasm;
  w.HEAP32.set([1, M, K, 1, K, N], ctx.shapes >>> 2);
  w._BatchMatMul(backend.dataIdMap.get(a.dataId)!.id, ctx.shapes, 3, backend.dataIdMap.get(b.dataId)!.id, ctx.shapes + 12, 3, 0, 0, backend.dataIdMap.get(out.dataId)!.id);
}

/**
 * Copies `count` slices of A (and B, one or per slice) at the given heap byte offsets to the
 * worker, runs `local` meanwhile, then copies the worker's C slices back to `cOff`.
 */
function handOff(
  ctx: Ctx, worker: GemmWorker, aOff: number, bOff: number, cOff: number,
  count: number, M: number, K: number, N: number, bShared: boolean, local: () => void,
): void {
  const nA = count * M * K;
  const nB = (bShared ? 1 : count) * K * N;
  const nC = count * M * N;
  const data = worker.buffer(nA + nB + nC);
  let heap = ctx.backend.wasm.HEAPF32;
  data.set(heap.subarray(aOff >>> 2, (aOff >>> 2) + nA), 0);
  data.set(heap.subarray(bOff >>> 2, (bOff >>> 2) + nB), nA);
  worker.post(count, M, K, N, bShared);
  local();
  worker.wait();
  heap = ctx.backend.wasm.HEAPF32; // the local GEMM may have grown the heap
  heap.set(data.subarray(nA + nB, nA + nB + nC), cOff >>> 2);
}

/**
 * x: [batch, R, C] row-major -> new tensor [batch, C, R]. Measured here: for one large matrix a
 * JS loop over bands of 64 rows beats the WASM Transpose kernel (2048x512: 3.1 vs 8.9 ms;
 * 10496x512: 39 vs 48 ms; a plain column-by-column loop: 5.4 and 87 ms); for many small
 * matrices the kernel wins (1024x41x41: 7.8 vs 16 ms).
 */
function transposeHeap(ctx: Ctx, x: TensorInfo, batch: number, R: number, C: number): TensorInfo {
  if (batch > 1) {
    const x3 = { dataId: x.dataId, shape: [batch, R, C], dtype: x.dtype };
    return ctx.transpose({ inputs: { x: x3 }, backend: ctx.backend as unknown as tf.KernelBackend, attrs: { perm: [0, 2, 1] } }) as TensorInfo;
  }
  const out = ctx.backend.makeOutput([1, C, R], 'float32');
  const heap = ctx.backend.wasm.HEAPF32; // read after makeOutput: a malloc may grow the heap
  const src = ctx.backend.dataIdMap.get(x.dataId)!.memoryOffset >>> 2;
  const dst = ctx.backend.dataIdMap.get(out.dataId)!.memoryOffset >>> 2;
  // A band of 64 input rows stays in cache while each output row gets its 64 values.
  const BAND = 64;
  for (let r0 = 0; r0 < R; r0 += BAND) {
    const r1 = Math.min(r0 + BAND, R);
    for (let c = 0; c < C; c++) {
      let d = dst + c * R + r0;
      for (let r = r0, s = src + r0 * C + c; r < r1; r++, s += C) heap[d++] = heap[s];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Identity by reference

function sharedIdentity(ctx: Ctx, args: KernelArgs, orig: tf.KernelFunc): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  if (x.dtype === 'string') return orig(args) as TensorInfo;
  (ctx.backend as unknown as tf.KernelBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

// ---------------------------------------------------------------------------------------------
// Sum over leading axes

function fastSum(ctx: Ctx, args: KernelArgs): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
  // Only "sum over the first k axes, keep the rest" (what broadcast/gain gradients need).
  const leading = axes.length > 0 && axes.length < rank && axes.every((ax, i) => ax === i);
  if (x.dtype !== 'float32' || !leading) return ctx.origSum(args) as TensorInfo;
  const rows = x.shape.slice(0, axes.length).reduce((p, q) => p * q, 1);
  const rest = x.shape.slice(axes.length);
  const cols = rest.reduce((p, q) => p * q, 1);
  const outShape = keepDims ? [...x.shape.slice(0, axes.length).map(() => 1), ...rest] : rest;
  const out = ctx.backend.makeOutput(outShape, 'float32');
  const heap = ctx.backend.wasm.HEAPF32;
  const src = ctx.backend.dataIdMap.get(x.dataId)!.memoryOffset >>> 2;
  const dst = ctx.backend.dataIdMap.get(out.dataId)!.memoryOffset >>> 2;
  // Accumulate in a float64 scratch row: streams the input once, in order.
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = src + r * cols;
    for (let c = 0; c < cols; c++) acc[c] += heap[base + c];
  }
  for (let c = 0; c < cols; c++) heap[dst + c] = acc[c];
  return out;
}

// Type-only reference so the BackendWasm import documents what `tf.backend()` is here.
export type { BackendWasm };

// The fast WASM kernels must compute what plain TF.js computes: every case is run on the wasm
// backend with the fast kernels, and again with the pure-JS cpu backend's stock kernels. Where
// OpenBLAS is installed the native sgemm path (native-gemm.ts) is checked the same way, and its
// absence there is a failure: on such a machine the addon must build and load.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './tfjs-runtime';
import { fastWasmKernelsInstalled, setGemmWorker, setNativeGemm } from './fast-wasm';
import { loadNativeGemm, systemOpenBlas, type NativeGemm } from './native-gemm';
import { GemmWorker } from './wasm-gemm-worker';
import { generate, generateUncached } from '../model/generate';
import { GPT, type GPTConfig } from '../model/model';
import { maskedCrossEntropy } from '../model/losses';
import { AdamW, optimizerStep } from '../model/optim';

const native = loadNativeGemm();
// The matmul paths compared: XNNPACK (and the naive kernel) always, OpenBLAS where it loaded.
const gemmModes: { name: string; gemm: NativeGemm | null }[] = [
  { name: 'wasm kernels', gemm: null },
  ...(native.ok ? [{ name: 'native sgemm', gemm: native.gemm }] : []),
];

beforeAll(async () => {
  const info = await initBackend('wasm');
  expect(info.name).toBe('wasm');
  expect(fastWasmKernelsInstalled()).toBe(true);
  // the run records what its products ran on
  if (native.ok) expect(info.version).toMatch(/^\d+\.\d+\.\d+ \+ OpenBLAS \d+\.\d+\.\d+ sgemm$/);
  else expect(info.version).toMatch(/^\d+\.\d+\.\d+$/);
});

/** Run f with the given matmul path; the process default (native where it loaded) afterwards. */
function withGemm<T>(gemm: NativeGemm | null, f: () => T): T {
  setNativeGemm(gemm);
  try {
    return f();
  } finally {
    setNativeGemm(native.ok ? native.gemm : null);
  }
}

/** The native addon with a call counter. */
function countingGemm(gemm: NativeGemm): { gemm: NativeGemm; calls: () => number } {
  let calls = 0;
  return {
    gemm: { info: () => gemm.info(), sgemmBatched: (...args) => { calls++; gemm.sgemmBatched(...args); } },
    calls: () => calls,
  };
}

/** Run f on the given backend; return plain arrays. */
async function on<T>(backend: 'wasm' | 'cpu', f: () => T): Promise<T> {
  await tf.setBackend(backend);
  try {
    return f();
  } finally {
    await tf.setBackend('wasm');
  }
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 1e-6;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d / scale;
}

describe('fast wasm kernels', () => {
  it('BatchMatMul matches plain TF.js for every transpose and batch layout', async () => {
    const cases: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
      { a: [96, 80], b: [80, 72], ta: false, tb: false },
      { a: [80, 96], b: [80, 72], ta: true, tb: false }, // weight-gradient shape
      { a: [1100, 40], b: [1100, 24], ta: true, tb: false }, // transposes b and the result instead
      { a: [1100, 24], b: [1100, 40], ta: true, tb: false }, // transposes a
      { a: [96, 80], b: [72, 80], ta: false, tb: true },
      { a: [80, 96], b: [72, 80], ta: true, tb: true },
      { a: [2, 3, 40, 48], b: [2, 3, 48, 40], ta: false, tb: false }, // attention
      { a: [2, 3, 40, 48], b: [2, 3, 40, 48], ta: false, tb: true },
      { a: [2, 3, 48, 40], b: [2, 3, 48, 40], ta: true, tb: false },
      { a: [4, 40, 48], b: [48, 40], ta: false, tb: false }, // b broadcast over the batch
      { a: [4, 48, 40], b: [40, 48], ta: true, tb: true },
      { a: [48, 40], b: [4, 40, 48], ta: false, tb: false }, // a broadcast over the batch
      { a: [40, 48], b: [4, 48, 40], ta: true, tb: true },
      { a: [1, 2, 40, 48], b: [2, 48, 40], ta: false, tb: false }, // batch shapes broadcast, equal counts
      { a: [3, 40, 0], b: [3, 0, 24], ta: false, tb: false }, // K = 0: zeros
      { a: [5, 3, 4], b: [5, 4, 2], ta: false, tb: false }, // tiny: stock kernel
    ];
    for (const mode of gemmModes) for (const [n, c] of cases.entries()) {
      const make = () => [tf.randomNormal(c.a, 0, 1, 'float32', 1 + n), tf.randomNormal(c.b, 0, 1, 'float32', 50 + n)];
      const run = () => tf.tidy(() => {
        const [a, b] = make();
        const r = tf.matMul(a, b, c.ta, c.tb);
        return { shape: r.shape, data: Array.from(r.dataSync()) };
      });
      const fast = withGemm(mode.gemm, run);
      const plain = await on('cpu', run);
      expect(fast.shape, `${mode.name} ${JSON.stringify(c)}`).toEqual(plain.shape);
      expect(maxRelDiff(fast.data, plain.data), `${mode.name} ${JSON.stringify(c)}`).toBeLessThan(1e-5);
    }
  });

  it.runIf(native.ok || systemOpenBlas() !== null)('runs every float32 product, tiny or batched, as one native call, in place', () => {
    expect(native.ok, `OpenBLAS is installed (${systemOpenBlas()}) but ${native.ok ? '' : native.reason}`).toBe(true);
    if (!native.ok) return;
    const counted = countingGemm(native.gemm);
    const cases: [number[], number[], boolean, boolean, number][] = [
      [[96, 80], [80, 72], false, false, 1],
      [[80, 96], [80, 72], true, false, 1], // a^T @ b: BLAS flags, no materialised transpose
      [[2, 3, 40, 48], [2, 3, 48, 40], true, true, 1], // 6 slices, one call
      [[4, 40, 48], [48, 40], false, false, 1],
      [[5, 3, 4], [5, 4, 2], false, false, 1], // tiny: still cheaper than the naive kernel
      [[64, 1, 32], [64, 20, 32], false, true, 1], // decode-time attention: one query row per slice
    ];
    for (const [sa, sb, ta, tb, calls] of cases) {
      const a = tf.randomNormal(sa, 0, 1, 'float32', 7);
      const b = tf.randomNormal(sb, 0, 1, 'float32', 8);
      const before = counted.calls();
      const viaNative = withGemm(counted.gemm, () => tf.matMul(a, b, ta, tb));
      expect(counted.calls() - before, JSON.stringify([sa, sb, ta, tb])).toBe(calls);
      const viaWasm = withGemm(null, () => tf.matMul(a, b, ta, tb));
      expect(maxRelDiff(viaNative.dataSync(), viaWasm.dataSync())).toBeLessThan(1e-5);
      tf.dispose([a, b, viaNative, viaWasm]);
    }
  });

  it('splits large products with the GEMM worker bit-identically', async () => {
    // the worker splits XNNPACK's products; with the native addon on, OpenBLAS takes them all
    setNativeGemm(null);
    const worker = await GemmWorker.start();
    expect(worker).not.toBeNull();
    const cases: [number[], number[], boolean, boolean][] = [
      [[300, 64], [64, 96], false, false], // rows split
      [[300, 64], [96, 64], false, true],
      [[6, 100, 80], [6, 80, 96], false, false], // slices split
      [[6, 100, 80], [80, 96], false, false], // shared b
    ];
    try {
      for (const [sa, sb, ta, tb] of cases) {
        const a = tf.randomNormal(sa, 0, 1, 'float32', 3);
        const b = tf.randomNormal(sb, 0, 1, 'float32', 4);
        setGemmWorker(null);
        const one = tf.matMul(a, b, ta, tb).dataSync();
        setGemmWorker(worker);
        const jobs = worker!.jobs;
        const two = tf.matMul(a, b, ta, tb).dataSync();
        expect(worker!.jobs).toBe(jobs + 1);
        expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer)), JSON.stringify([sa, sb])).toBe(true);
        tf.dispose([a, b]);
      }
    } finally {
      setGemmWorker(null);
      setNativeGemm(native.ok ? native.gemm : null);
      await worker!.terminate();
    }
  });

  it.runIf(native.ok)('native sgemm gets the heap after the output allocation grew it', () => {
    if (!native.ok) return;
    const wasmHeap = () => (tf.backend() as unknown as { wasm: { HEAPF32: Float32Array } }).wasm.HEAPF32;
    const before = wasmHeap().buffer;
    // an output larger than the whole heap: allocating it inside the kernel must grow the memory
    const M = 1024;
    const K = 16;
    const N = Math.ceil(before.byteLength / (4 * M)) + 1024;
    const a = tf.randomNormal([M, K], 0, 1, 'float32', 5);
    const b = tf.randomNormal([K, N], 0, 1, 'float32', 6);
    const av = a.dataSync();
    const bv = b.dataSync();
    const grownBefore = wasmHeap().buffer !== before; // the inputs alone may already have grown it
    const c = withGemm(native.gemm, () => tf.matMul(a, b));
    if (!grownBefore) expect(wasmHeap().buffer).not.toBe(before);
    const cv = c.dataSync();
    for (const [i, j] of [[0, 0], [M - 1, N - 1], [517, 12345 % N], [3, N - 7]]) {
      let want = 0;
      for (let k = 0; k < K; k++) want += av[i * K + k] * bv[k * N + j];
      expect(Math.abs(cv[i * N + j] - want), `c[${i}, ${j}]`).toBeLessThan(1e-4);
    }
    tf.dispose([a, b, c]);
  });

  it('Sum over leading axes matches plain TF.js', async () => {
    const run = () => tf.tidy(() => {
      const x = tf.randomNormal([6, 7, 9], 0, 1, 'float32', 3);
      return [tf.sum(x, 0), tf.sum(x, [0, 1]), tf.sum(x, [0, 1], true), tf.sum(x, -1), tf.sum(x)].map((t) => ({
        shape: t.shape,
        data: Array.from(t.dataSync()),
      }));
    });
    const fast = run();
    const plain = await on('cpu', run);
    for (let i = 0; i < fast.length; i++) {
      expect(fast[i].shape).toEqual(plain[i].shape);
      expect(maxRelDiff(fast[i].data, plain[i].data)).toBeLessThan(1e-5);
    }
  });

  it('gives the same loss and gradients as plain TF.js on a tiny GPT', async () => {
    const cfg: GPTConfig = { vocabSize: 5, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 32, mlpRatio: 4 };
    const bytes = new GPT(cfg, 9).toBytes();
    const B = 4;
    const T = 24; // attention slices of 24x24x16 take the per-slice GEMM path
    const run = () => {
      const m = GPT.fromBytes(bytes);
      const out = tf.tidy(() => {
        const idx = tf.randomUniformInt([B, T], 0, 5, 1) as tf.Tensor2D;
        const tgt = tf.randomUniformInt([B, T], 0, 5, 2) as tf.Tensor2D;
        const mask = tf.ones([B, T]) as tf.Tensor2D;
        const { value, grads } = tf.variableGrads(() => maskedCrossEntropy(m.forward(idx), { input: idx, target: tgt, mask }), m.variables);
        return { loss: value.dataSync()[0], grads: m.variables.map((v) => Array.from(grads[v.name].dataSync())) };
      });
      m.dispose();
      return out;
    };
    const plain = await on('cpu', run);
    for (const mode of gemmModes) {
      const fast = withGemm(mode.gemm, run);
      expect(Math.abs(fast.loss - plain.loss), mode.name).toBeLessThan(1e-5);
      for (let i = 0; i < fast.grads.length; i++) {
        expect(maxRelDiff(fast.grads[i], plain.grads[i]), `${mode.name} gradient ${i}`).toBeLessThan(1e-3);
      }
      // deterministic kernels: the same inputs give the same bits (same-seed runs stay identical)
      const again = withGemm(mode.gemm, run);
      expect(again.loss, mode.name).toBe(fast.loss);
      expect(again.grads, mode.name).toEqual(fast.grads);
    }
  });

  it('leaks no tensors across training steps, and cached == uncached generation on wasm', async () => {
    const cfg: GPTConfig = { vocabSize: 4, blockSize: 32, nLayer: 2, nHead: 4, nEmbd: 32, mlpRatio: 4 };
    const m = new GPT(cfg, 3);
    const idx = tf.randomUniformInt([8, 24], 0, 4, 1) as tf.Tensor2D;
    const mask = tf.ones([8, 24]) as tf.Tensor2D;
    // the production step: AdamW, masked loss, clipping
    const opt = new AdamW(m.variables, { weightDecay: 0.01 });
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = optimizerStep(opt, 1e-3, 1, () => ({ loss: maskedCrossEntropy(m.forward(idx), { input: idx, target: idx, mask }) }));
      r.loss.dispose();
      r.gradNorm.dispose();
      counts.push(tf.memory().numTensors);
    }
    opt.dispose();
    // Adam creates its moment variables on the first step; after that the count must stay flat.
    expect(counts[2]).toBe(counts[1]);
    expect(counts[3]).toBe(counts[1]);

    const prompts = Array.from({ length: 16 }, (_, i) => Int32Array.from({ length: 12 }, (_, j) => (i + j) % 3));
    const opts = { maxNewTokens: 12, temperature: 0, eosId: 3, seed: 1 };
    const a = await generate(m, prompts, opts);
    const b = await generateUncached(m, prompts, opts);
    expect(a.tokens.map((t) => Array.from(t))).toEqual(b.tokens.map((t) => Array.from(t)));
    m.dispose();
  });
});

// npm run bench:gemm — the native GEMM path (native/, OpenBLAS sgemm on the WASM heap) against
// the WASM kernels (fast-wasm.ts: XNNPACK, with materialised transposes), issue 12.
//
// Prints:
//   - GFLOP/s of both at the matrix products of the NTP step of bench/trainer.bench.ts's model
//     (GPT 2 layers x 128 wide x 4 heads, batch 32 x 64 tokens: 2,048 rows), forward and backward;
//   - that production NTP step (NtpTrainer: fresh parity batch, masked loss, AdamW, clipping) with
//     and without native, on 1 worker and on 2 data-parallel workers (each thread its own OpenBLAS,
//     single-threaded);
//   - the production RL step (RlTrainer, GRPO: 256 rollouts of d = 20 parity prompts with the KV
//     cache, rewards, the update) with and without native, 1 worker.
// The last line is one JSON object. Flags: --steps N (timed NTP steps, default 10), --reps N
// (timed repetitions per product, default 20), --rl-steps N (timed RL steps, default 2; 0 skips). The load average is printed: on a shared machine
// every wall time moves, so CPU time (user + system of the whole process) is printed beside it:
// on a loaded machine it is the steadier measure of the work done.
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { initBackend } from '../trainer/compute/tfjs-runtime';
import { setNativeGemm } from '../trainer/compute/fast-wasm';
import { loadNativeGemm } from '../trainer/compute/native-gemm';
import { DataParallel } from '../trainer/compute/data-parallel';
import { GPT, type GPTConfig } from '../trainer/model/model';
import { NtpTrainer } from '../trainer/algorithms/ntp';
import { RlTrainer } from '../trainer/algorithms/rl';
import { makeTask } from '../trainer/tasks';
import { parseConfig } from '../vocabulary/experiment-config';

const args = process.argv.slice(2);
const numArg = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const STEPS = numArg('--steps', 10);
const REPS = numArg('--reps', 20);
const RL_STEPS = numArg('--rl-steps', 2);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const log = (msg: string) => console.log(msg);
const load = () => round(os.loadavg()[0], 2);

// The model of bench/trainer.bench.ts (which this does not import: it runs on import).
const MODEL: GPTConfig = { vocabSize: 4, blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 128, mlpRatio: 4 };
const B = 32;
const T = 64;
const R = B * T; // rows of every dense product
const C = MODEL.nEmbd;
const H = MODEL.nHead;
const HD = C / H;

/** [name, a shape, b shape, transposeA, transposeB] */
type Product = [string, number[], number[], boolean, boolean];
const PRODUCTS: Product[] = [
  ['qkv       x @ W', [R, C], [C, 3 * C], false, false],
  ['mlp up    x @ W', [R, C], [C, 4 * C], false, false],
  ['mlp down  h @ W', [R, 4 * C], [4 * C, C], false, false],
  ['dX   dY @ W^T (mlp down)', [R, C], [4 * C, C], false, true],
  ['dW   X^T @ dY (mlp up)', [R, C], [R, 4 * C], true, false],
  ['dW   X^T @ dY (mlp down)', [R, 4 * C], [R, C], true, false],
  ['att  q @ k^T  [128 slices]', [B, H, T, HD], [B, H, T, HD], false, true],
  ['att  p @ v    [128 slices]', [B, H, T, T], [B, H, T, HD], false, false],
  ['att  dP^T @ q [128 slices]', [B, H, T, T], [B, H, T, HD], true, false],
];

function flops([, a, b, ta, tb]: Product): number {
  const M = ta ? a[a.length - 1] : a[a.length - 2];
  const K = ta ? a[a.length - 2] : a[a.length - 1];
  const N = tb ? b[b.length - 2] : b[b.length - 1];
  const batch = Math.max(a.slice(0, -2).reduce((x, y) => x * y, 1), b.slice(0, -2).reduce((x, y) => x * y, 1));
  return 2 * batch * M * N * K;
}

interface Timing {
  /** median wall ms */
  ms: number;
  /** median CPU ms (user + system, all threads) */
  cpuMs: number;
}

/** Wall and CPU time of f, run `reps` times after `warmup` runs. */
async function time(reps: number, warmup: number, f: (i: number) => unknown): Promise<Timing> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < warmup + reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await f(i);
    const dt = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (i >= warmup) {
      wall.push(dt);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  return { ms: median(wall), cpuMs: median(cpu) };
}

/** One product, REPS times after 3 warm-up runs (the WASM backend computes synchronously). */
async function timeProduct(p: Product): Promise<Timing> {
  const [, sa, sb, ta, tb] = p;
  const a = tf.randomNormal(sa, 0, 1, 'float32', 1);
  const b = tf.randomNormal(sb, 0, 1, 'float32', 2);
  const t = await time(REPS, 3, () => tf.matMul(a, b, ta, tb).dispose());
  tf.dispose([a, b]);
  return t;
}

function benchConfig() {
  return parseConfig({
    task: { kind: 'parity', d: 31, p_cot: 1 }, // 64 tokens a row, as in trainer.bench.ts
    model: { layers: MODEL.nLayer, heads: MODEL.nHead, width: MODEL.nEmbd, mlpRatio: MODEL.mlpRatio },
    ntp: { steps: 1000, batchSize: B, lr: 1e-3, warmupSteps: 0, gradClip: 1 },
    rl: { algorithm: 'grpo', promptsPerStep: 32, groupSize: 8, lr: 1e-4 },
  });
}

/** The production RL step as bench/trainer.bench.ts times it: d = 20 prompts, 21 new tokens at most. */
async function rlStep(model: GPT): Promise<Timing> {
  const config = parseConfig({ ...benchConfig(), task: { kind: 'parity', d: 20, p_cot: 0.25 } });
  const ref = GPT.fromBytes(model.toBytes());
  const trainer = new RlTrainer(model, ref, makeTask(config.task), config.rl!, { maxNewTokens: 21, seed: 1, rolloutsToLog: 0 });
  try {
    return await time(RL_STEPS, 1, (i) => trainer.step(i));
  } finally {
    trainer.dispose();
    ref.dispose();
  }
}

/** The production NTP step (loss read back, so the step is finished when timed). */
async function ntpStep(model: GPT, parallel: DataParallel | null): Promise<Timing> {
  const config = benchConfig();
  const trainer = new NtpTrainer(model, makeTask(config.task), config.ntp, 1, null, parallel);
  try {
    return await time(STEPS, 3, (i) => trainer.step(i, true));
  } finally {
    trainer.dispose();
  }
}

async function main(): Promise<void> {
  const info = await initBackend('wasm');
  const native = loadNativeGemm();
  log(`backend: ${info.note}`);
  log(`load average ${os.loadavg().map((x) => round(x, 2)).join(' ')} on ${os.availableParallelism()} cores`);
  if (!native.ok) {
    log(`native GEMM unavailable: ${native.reason}`);
    console.log(JSON.stringify({ native: null, reason: native.reason, loadAvg: load() }));
    return;
  }
  log(`native: ${native.config} (${native.library})`);

  log(`\nmatrix products of the NTP step (median of ${REPS}), GFLOP/s by wall time (by CPU time)`);
  const gemm: { product: string; wasmGflops: number; nativeGflops: number; speedup: number; wasmGflopsCpu: number; nativeGflopsCpu: number }[] = [];
  for (const p of PRODUCTS) {
    setNativeGemm(null);
    const w = await timeProduct(p);
    setNativeGemm(native.gemm);
    const n = await timeProduct(p);
    const f = flops(p);
    const gf = (ms: number) => round(f / ms / 1e6);
    const row = {
      product: p[0].replace(/\s+/g, ' '), wasmGflops: gf(w.ms), nativeGflops: gf(n.ms), speedup: round(w.ms / n.ms, 2),
      wasmGflopsCpu: gf(w.cpuMs), nativeGflopsCpu: gf(n.cpuMs),
    };
    gemm.push(row);
    log(`  ${p[0].padEnd(28)} wasm ${String(row.wasmGflops).padStart(6)} (${row.wasmGflopsCpu})   native ${String(row.nativeGflops).padStart(6)} (${row.nativeGflopsCpu})   x${row.speedup}`);
  }

  log(`\nproduction NTP step (median of ${STEPS}), wall ms (CPU ms, all threads)`);
  const ntpStepMsByWorkers: Record<'wasm' | 'native', Record<number, number>> = { wasm: {}, native: {} };
  const ntpStepCpuMsByWorkers: Record<'wasm' | 'native', Record<number, number>> = { wasm: {}, native: {} };
  const model = new GPT(MODEL, 0);
  for (const workers of [1, 2]) {
    for (const path of ['wasm', 'native'] as const) {
      // Data-parallel workers read the switch when their backend starts.
      if (path === 'wasm') process.env.WORKBENCH_NATIVE_GEMM = '0';
      else delete process.env.WORKBENCH_NATIVE_GEMM;
      setNativeGemm(path === 'native' ? native.gemm : null);
      const dp = workers > 1 ? await DataParallel.start(workers, model) : null;
      try {
        const t = await ntpStep(model, dp);
        ntpStepMsByWorkers[path][workers] = round(t.ms);
        ntpStepCpuMsByWorkers[path][workers] = round(t.cpuMs);
      } finally {
        await dp?.close();
      }
      log(`  ${workers} worker${workers > 1 ? 's' : ' '} ${path.padEnd(6)} ${ntpStepMsByWorkers[path][workers]} ms (${ntpStepCpuMsByWorkers[path][workers]})   load ${load()}`);
    }
  }
  delete process.env.WORKBENCH_NATIVE_GEMM;
  const speedup = (w: number) => round(ntpStepMsByWorkers.wasm[w] / ntpStepMsByWorkers.native[w], 2);
  log(`  native speed-up: x${speedup(1)} on 1 worker, x${speedup(2)} on 2`);

  const rlStepMs: Record<'wasm' | 'native', number> | null = RL_STEPS > 0 ? { wasm: 0, native: 0 } : null;
  const rlStepCpuMs: Record<'wasm' | 'native', number> | null = RL_STEPS > 0 ? { wasm: 0, native: 0 } : null;
  if (rlStepMs && rlStepCpuMs) {
    log(`\nproduction RL step, 1 worker (median of ${RL_STEPS}), wall ms (CPU ms)`);
    for (const path of ['wasm', 'native'] as const) {
      setNativeGemm(path === 'native' ? native.gemm : null);
      const copy = GPT.fromBytes(model.toBytes()); // both paths start from the same weights
      const t = await rlStep(copy).finally(() => copy.dispose());
      rlStepMs[path] = round(t.ms);
      rlStepCpuMs[path] = round(t.cpuMs);
      log(`  ${path.padEnd(6)} ${rlStepMs[path]} ms (${rlStepCpuMs[path]})   load ${load()}`);
    }
    setNativeGemm(native.gemm);
  }
  model.dispose();

  console.log(JSON.stringify({
    native: native.config, library: native.library, gemm, ntpStepMsByWorkers, ntpStepCpuMsByWorkers,
    ntpSpeedupByWorkers: { 1: speedup(1), 2: speedup(2) }, rlStepMs, rlStepCpuMs, loadAvg: load(), cores: os.availableParallelism(),
  }));
}

await main();

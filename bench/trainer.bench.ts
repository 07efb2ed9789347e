// npm run bench:trainer — trainer speed on this machine (issue 6).
//
// Prints, for the issue's config (GPT 2 layers x 128 wide x 4 heads, batch 32 x 64 tokens):
//   - the production NTP step (NtpTrainer: fresh parity batch, masked loss, AdamW, clipping) with the
//     fast WASM kernels for 1..N data-parallel workers, with scaling efficiency (and, once, stock kernels);
//   - the production RL step (RlTrainer, GRPO): 256 rollouts (32 prompts x 8) of a 21-token parity
//     prompt sampled at T=1 with the KV cache, rewards, the update, for 1..N data-parallel workers,
//     with scaling efficiency and the rollouts' share;
//   - sampling tokens/s with and without the KV cache (256 rows, 21-token prompt, 21 new tokens);
//   - the same model's PyTorch step, measured now by bench/torch_ref.py, where torch is importable
//     on an optimised BLAS (no ratio on the reference BLAS);
//   - the headline preset's wall time (NTP then RL) on all workers and on one.
// The last line is one JSON object.
//
// Flags: --steps N (timed NTP steps, default 10), --rl-steps N (timed RL steps per round, default 3), --rl-rounds N (default 2), --workers N (default: all cores), --no-stock, --no-2t,
// --no-torch, --no-headline (both headline runs), --no-headline-all-cores, --no-headline-one-core, --no-webgpu
// The 1-minute load average is printed: on a machine shared with other work every figure moves.
import { measureWebgpuStep, type WebgpuAdapterFigure } from './webgpu.bench';
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../trainer/compute/tfjs-runtime';
import { installFastWasmKernels, setGemmWorker, uninstallFastWasmKernels } from '../trainer/compute/fast-wasm';
import { generate, generateUncached, type GenerateOptions } from '../trainer/model/generate';
import { GPT, type GPTConfig } from '../trainer/model/model';
import { NtpTrainer } from '../trainer/algorithms/ntp';
import { RlTrainer } from '../trainer/algorithms/rl';
import { makeTask } from '../trainer/tasks';
import { parseConfig, type ExperimentConfig } from '../vocabulary/experiment-config';
import { GemmWorker } from '../trainer/compute/wasm-gemm-worker';
import { DataParallel } from '../trainer/compute/data-parallel';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const numArg = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const here = path.dirname(fileURLToPath(import.meta.url));

const MODEL: GPTConfig = { vocabSize: 4, blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 128, mlpRatio: 4 };
const B = 32;
const T = 64;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const log = (msg: string) => console.log(msg);

// NTP step: the production NtpTrainer step (fresh parity batch, AdamW, the masked loss, clipping)

/** CPU milliseconds (user + system, all threads) per timed step of the last ntpStepTimes call. */
let lastCpuMs: number[] = [];

/** d = 31 with every example long: 31 bits, '=', 31 chain tokens, EOS = 64 tokens, 63 positions scored. */
const NTP_TASK = { kind: 'parity', d: 31, p_cot: 1 } as const;

function benchConfig(): ExperimentConfig {
  return parseConfig({
    task: NTP_TASK,
    model: { layers: MODEL.nLayer, heads: MODEL.nHead, width: MODEL.nEmbd, mlpRatio: MODEL.mlpRatio },
    ntp: { steps: 1000, batchSize: B, lr: 1e-3, warmupSteps: 0, gradClip: 1 },
    rl: { algorithm: 'grpo', promptsPerStep: 32, groupSize: 8, lr: 1e-4 },
  });
}

function ntpStepTimes(model: GPT, steps: number, warmup: number, parallel: DataParallel | null = null): number[] {
  const config = benchConfig();
  const trainer = new NtpTrainer(model, makeTask(config.task), config.ntp, 1, null, parallel);
  const times: number[] = [];
  lastCpuMs = [];
  try {
    for (let i = 0; i < warmup + steps; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      trainer.step(i, true); // reads the loss back: the step is finished when timed
      const c = process.cpuUsage(c0);
      if (i >= warmup) {
        times.push(performance.now() - t0);
        lastCpuMs.push((c.user + c.system) / 1000);
      }
    }
  } finally {
    trainer.dispose();
  }
  return times;
}

// ---------------------------------------------------------------------------------------------
// Sampling and an RL step on parity-shaped prompts (d = 20 bits + '=')

const PROMPT_LEN = 21;
const NEW_TOKENS = 21;

function parityPrompts(n: number, seed: number): Int32Array[] {
  let s = seed;
  const bit = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 1;
  return Array.from({ length: n }, () => Int32Array.from({ length: PROMPT_LEN }, (_, j) => (j === PROMPT_LEN - 1 ? 2 : bit())));
}

async function samplingTokensPerSec(model: GPT, cached: boolean, rows: number): Promise<number> {
  const prompts = parityPrompts(rows, 7);
  // eosId -1 is never produced, so every row runs the full length and both paths do equal work.
  const opts: GenerateOptions = { maxNewTokens: NEW_TOKENS, temperature: 1, eosId: -1, seed: 3 };
  const gen = cached ? generate : generateUncached;
  await gen(model, prompts.slice(0, 8), opts); // warm up kernels and masks
  const t0 = performance.now();
  await gen(model, prompts, opts);
  return (rows * NEW_TOKENS) / ((performance.now() - t0) / 1000);
}

/** Where the RL steps of the last rlStepTimes call spent their time (ms, medians): sampling, and the rest (reward, update). */
let lastRlSplit = { rolloutMs: 0, updateMs: 0 };

/**
 * The production RL step (RlTrainer, GRPO): 256 rollouts of d = 20 parity prompts with the KV cache,
 * reward, update, on `workers` data-parallel replicas (1: this thread alone). Each worker count
 * starts from the same weights, so every count samples the same rollouts.
 */
async function rlStepTimes(start: GPT, steps: number, workers: number): Promise<number[]> {
  const config = parseConfig({ ...benchConfig(), task: { kind: 'parity', d: 20, p_cot: 0.25 } });
  const model = GPT.fromBytes(start.toBytes());
  const ref = GPT.fromBytes(start.toBytes());
  const parallel = workers > 1 ? await DataParallel.start(workers, model, ref) : null;
  // the rollouts' share, timed by wrapping the one sampling call the step makes
  const rolloutMs: number[] = [];
  const trainer = new RlTrainer(model, ref, makeTask(config.task), config.rl!, { maxNewTokens: NEW_TOKENS, seed: 1, rolloutsToLog: 0, parallel });
  const times: number[] = [];
  try {
    for (let s = 0; s < steps + 1; s++) {
      const t0 = performance.now();
      const sampled = timeRollouts(parallel, ref);
      await trainer.step(s);
      if (s > 0) {
        times.push(performance.now() - t0);
        rolloutMs.push(sampled());
      }
    }
  } finally {
    trainer.dispose();
    await parallel?.close();
    model.dispose();
    ref.dispose();
  }
  lastRlSplit = { rolloutMs: median(rolloutMs), updateMs: median(times) - median(rolloutMs) };
  return times;
}

/** Times the step's sampling: DataParallel.rollouts, or (one thread) from now until the update's first forward of `ref`. */
function timeRollouts(parallel: DataParallel | null, ref: GPT): () => number {
  let ms = 0;
  if (parallel) {
    const orig = parallel.rollouts.bind(parallel);
    parallel.rollouts = async (...a) => {
      const t0 = performance.now();
      try {
        return await orig(...a);
      } finally {
        ms = performance.now() - t0;
        parallel.rollouts = orig;
      }
    };
  } else {
    // one thread: the update begins with the reference's forward (KL), right after sampling and rewards
    const t0 = performance.now();
    const orig = ref.forward.bind(ref);
    ref.forward = (...a) => {
      ms = performance.now() - t0;
      ref.forward = orig;
      return orig(...a);
    };
  }
  return () => ms;
}

// ---------------------------------------------------------------------------------------------
// PyTorch reference

interface TorchResult {
  torchStepMs: number;
  torchStepMsMin: number;
  torchStepCpuMs: number;
  torchVersion: string;
  threads: number;
  blas: string;
  params: number;
}

function findTorchPython(): string | null {
  // Debian's python3-torch lives in the system Python, which may not be the first python3 on PATH.
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return null;
}

function torchStep(py: string, steps: number, threads = 0): TorchResult | { error: string } {
  const script = path.join(here, 'torch_ref.py');
  const r = spawnSync(py, [script, '--steps', String(steps), '--threads', String(threads), '--layers', '2', '--width', '128', '--heads', '4', '--batch', String(B), '--seq', String(T), '--vocab', '4'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return { error: (r.stderr || 'failed').trim().split('\n').pop() ?? 'failed' };
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as TorchResult;
}

// ---------------------------------------------------------------------------------------------
// Headline preset (the experiment helper's), when it exists

interface HeadlineTiming {
  seconds: number;
  ntpStepMs: number | null;
  rlStepMs: number | null;
  summary: unknown;
}

async function timeHeadline(workers: number): Promise<HeadlineTiming | { skipped: string }> {
  if (!existsSync(path.join(here, '..', 'paper', 'presets.ts'))) return { skipped: 'paper/presets.ts does not exist' };
  const presets = (await import('../paper/presets' as string)) as Record<string, unknown>;
  const experiment = (await import('../trainer/algorithms/experiment')) as Record<string, unknown>;
  const config = await import('../vocabulary/experiment-config');
  const getPreset = presets.getPreset as ((name: string) => { config: unknown } | undefined) | undefined;
  const preset = getPreset?.('headline') ?? (presets.headline as { config: unknown } | undefined);
  const run = experiment.runExperiment as ((cfg: unknown, sink: unknown, signal: undefined, opts: { workers: number }) => Promise<{ summary: unknown }>) | undefined;
  if (!preset || !run) return { skipped: 'no headline preset or runExperiment' };
  const cfg = config.parseConfig(preset.config);
  const rates: Record<string, number> = {};
  const sink = {
    metrics() {},
    samples() {},
    checkpoint() {
      return 0;
    },
    progress(ev: { phase: string; stepsPerSecond: number; step: number; totalSteps: number }) {
      if (ev.stepsPerSecond > 0) rates[ev.phase] = ev.stepsPerSecond;
      if (process.stderr.isTTY) process.stderr.write(`\r  headline ${ev.phase} ${ev.step}/${ev.totalSteps}   `);
      else if (ev.step === ev.totalSteps || ev.step % 100 === 0) process.stderr.write(`  headline ${ev.phase} ${ev.step}/${ev.totalSteps}\n`);
    },
  };
  const t0 = performance.now();
  const res = await run(cfg, sink, undefined, { workers });
  process.stderr.write('\n');
  const seconds = (performance.now() - t0) / 1000;
  const ms = (phase: string) => (rates[phase] ? round(1000 / rates[phase]) : null);
  return { seconds: round(seconds), ntpStepMs: ms('ntp'), rlStepMs: ms('rl'), summary: res.summary };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const load0 = os.loadavg()[0];
  const backend = await initBackend('auto');
  log(`backend: ${backend.note}`);
  log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${load0.toFixed(2)} at start`);
  log(`model: ${MODEL.nLayer} layers x ${MODEL.nEmbd} wide x ${MODEL.nHead} heads, mlp x${MODEL.mlpRatio}, batch ${B} x ${T} tokens, AdamW`);
  const model = new GPT(MODEL, 1);
  log(`params: ${model.numParams}`);

  const steps = numArg('--steps', 10);
  const ntp = ntpStepTimes(model, steps, 3);
  const ntpStepMs = median(ntp);
  const ntpCpuMs = median(lastCpuMs);
  log(`NTP step (fast kernels): median ${round(ntpStepMs)} ms, min ${round(Math.min(...ntp))} ms over ${steps} steps; CPU time ${round(ntpCpuMs)} ms per step`);

  // data-parallel NTP step for 1..N workers (N = the cores this process may use)
  const allWorkers = numArg('--workers', os.availableParallelism());
  const ntpStepMsByWorkers: Record<string, number> = { 1: round(ntpStepMs) };
  for (let w = 2; w <= allWorkers; w++) {
    const dp = await DataParallel.start(w, model);
    try {
      ntpStepMsByWorkers[w] = round(median(ntpStepTimes(model, steps, 2, dp)));
      const t = dp.lastTimings;
      log(`  ${w} workers, last step: publish weights ${round(t.publishMs)} ms, own shard ${round(t.ownShardMs)} ms, waiting for the others ${round(t.waitMs)} ms, gradient sum ${round(t.sumMs)} ms`);
    } finally {
      await dp.close();
    }
  }
  for (const [w, ms] of Object.entries(ntpStepMsByWorkers)) {
    const speedup = ntpStepMs / ms;
    log(`NTP step, ${w} worker${w === '1' ? '' : 's'}: ${ms} ms  (speedup ${round(speedup, 2)}x, scaling efficiency ${round((100 * speedup) / Number(w))}%)`);
  }
  const ntpBestMs = Math.min(...Object.values(ntpStepMsByWorkers));

  let stockStepMs: number | null = null;
  if (backend.name === 'wasm' && !flag('--no-stock')) {
    uninstallFastWasmKernels();
    stockStepMs = median(ntpStepTimes(model, 2, 1));
    installFastWasmKernels();
    log(`NTP step (TF.js stock wasm kernels): ${round(stockStepMs)} ms  -> fast kernels are ${round(stockStepMs / ntpStepMs)}x faster`);
  }

  // The opt-in second core (WORKBENCH_WASM_THREADS=2), measured in the same run.
  let twoThreadStepMs: number | null = null;
  if (backend.name === 'wasm' && backend.threads === 1 && !flag('--no-2t')) {
    const worker = await GemmWorker.start();
    if (worker) {
      setGemmWorker(worker);
      twoThreadStepMs = median(ntpStepTimes(model, Math.min(steps, 5), 1));
      setGemmWorker(null);
      await worker.terminate();
      log(`NTP step with the GEMM worker (2 threads, opt-in): ${round(twoThreadStepMs)} ms`);
    }
  }

  const cachedTps = await samplingTokensPerSec(model, true, 256);
  const uncachedTps = await samplingTokensPerSec(model, false, 256);
  const cachedSamplingSpeedup = cachedTps / uncachedTps;
  log(`sampling 256 rows, ${PROMPT_LEN}-token prompt, ${NEW_TOKENS} new tokens: cached ${Math.round(cachedTps)} tok/s, uncached ${Math.round(uncachedTps)} tok/s (${round(cachedSamplingSpeedup, 2)}x)`);

  // the RL step for 1..N workers: rollouts sampled by prompt group on the replicas, the update's gradient summed
  // in alternating rounds (1, 2, ..., N, 1, 2, ...): on a shared machine the load drifts, and one
  // pass per count would hand the drift to the scaling figure
  const rlSteps = numArg('--rl-steps', 3);
  const rlRounds = numArg('--rl-rounds', 2);
  const rlTimes: Record<string, number[]> = {};
  const rlSplits: Record<string, { rolloutMs: number[]; updateMs: number[] }> = {};
  for (let r = 0; r < rlRounds; r++) {
    for (let w = 1; w <= allWorkers; w++) {
      (rlTimes[w] ??= []).push(...(await rlStepTimes(model, rlSteps, w)));
      const split = (rlSplits[w] ??= { rolloutMs: [], updateMs: [] });
      split.rolloutMs.push(lastRlSplit.rolloutMs);
      split.updateMs.push(lastRlSplit.updateMs);
    }
  }
  const rlStepMsByWorkers: Record<string, number> = {};
  const rlSplitByWorkers: Record<string, { rolloutMs: number; updateMs: number }> = {};
  for (const w of Object.keys(rlTimes)) {
    rlStepMsByWorkers[w] = round(median(rlTimes[w]));
    rlSplitByWorkers[w] = { rolloutMs: round(median(rlSplits[w].rolloutMs)), updateMs: round(median(rlSplits[w].updateMs)) };
  }
  const rlStepMs = rlStepMsByWorkers[1];
  for (const [w, ms] of Object.entries(rlStepMsByWorkers)) {
    const speedup = rlStepMs / ms;
    const split = rlSplitByWorkers[w];
    log(
      `RL step (GRPO, 256 rollouts = 32 prompts x 8, T=1, cap ${NEW_TOKENS}, reward, update), ${w} worker${w === '1' ? '' : 's'}: ${ms} ms ` +
        `(rollouts ${split.rolloutMs} ms, reward + update ${split.updateMs} ms; speedup ${round(speedup, 2)}x, scaling efficiency ${round((100 * speedup) / Number(w))}%)`,
    );
  }
  model.dispose();

  let torch: TorchResult | null = null;
  let torch1: TorchResult | null = null;
  let torchNote = 'skipped (--no-torch)';
  if (!flag('--no-torch')) {
    const py = findTorchPython();
    if (!py) torchNote = 'no python3 with torch found (Debian: apt-get install -y python3-torch libopenblas0-pthread)';
    else {
      const r = torchStep(py, steps);
      if ('error' in r) torchNote = `torch_ref.py failed: ${r.error}`;
      else {
        torch = r;
        torchNote = `${py}, torch ${r.torchVersion}, ${r.threads} threads, BLAS ${r.blas}`;
        // Also on one core, like our default WASM path.
        const r1 = torchStep(py, steps, 1);
        if (!('error' in r1)) torch1 = r1;
      }
    }
  }
  // The reference is PyTorch's better configuration here: on a loaded machine its 2-thread step
  // can be far slower than its 1-thread one, and comparing against the slow one would flatter us.
  // Only an optimised BLAS makes a fair reference: Debian's torch on the reference libblas is ~19x slower.
  const torchBlas = torch?.blas ?? null;
  const optimisedBlas = torchBlas !== null && /openblas|mkl|blis/i.test(torchBlas);
  const torchBestMs = torch ? Math.min(torch.torchStepMs, torch1?.torchStepMs ?? Infinity) : null;
  const ratioToTorch = torchBestMs && optimisedBlas ? ntpBestMs / torchBestMs : null;
  if (torch) {
    log(`PyTorch step, same model, this run [${torchNote}]:`);
    log(`  ${torch.threads} threads: median ${torch.torchStepMs} ms (min ${torch.torchStepMsMin}, CPU ${torch.torchStepCpuMs} ms)`);
    if (torch1) log(`  1 thread:  median ${torch1.torchStepMs} ms (min ${torch1.torchStepMsMin}, CPU ${torch1.torchStepCpuMs} ms)`);
    if (ratioToTorch !== null) log(`  ratio ours (best worker count) / best PyTorch = ${round(ntpBestMs, 1)} / ${torchBestMs} = ${round(ratioToTorch, 2)}`);
    else log(`  no ratio: torch runs on the reference BLAS (${torchBlas}); install libopenblas0-pthread (Debian) for a fair reference`);
  } else log(`PyTorch: ${torchNote}`);
  // CPU time per step is steadier than wall time under load: an idle-machine estimate.
  const cpuRatio = torch1 && optimisedBlas ? ntpCpuMs / torch1.torchStepCpuMs : null;
  if (cpuRatio !== null) log(`  by CPU time, one thread each: ours ${round(ntpCpuMs)} ms vs torch ${torch1!.torchStepCpuMs} ms -> ratio ${round(cpuRatio, 2)}`);

  // the headline experiment on all workers and on one (minutes each: --no-headline, --no-headline-one-core)
  const headlineRun = async (workers: number, skipFlag: string): Promise<HeadlineTiming | { skipped: string }> => {
    if (flag('--no-headline') || flag(skipFlag)) return { skipped: `skipped (${flag('--no-headline') ? '--no-headline' : skipFlag})` };
    try {
      return await timeHeadline(workers);
    } catch (err) {
      return { skipped: `headline run failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  };
  const headline = await headlineRun(allWorkers, '--no-headline-all-cores');
  const headlineOne = allWorkers > 1 ? await headlineRun(1, '--no-headline-one-core') : headline;
  for (const [label, h] of [[`${allWorkers} workers`, headline], ['1 worker', headlineOne]] as const) {
    if ('skipped' in h) log(`headline (${label}): null — ${h.skipped}`);
    else log(`headline preset (${label}, NTP then RL): ${h.seconds} s; its NTP step ${h.ntpStepMs} ms, RL step ${h.rlStepMs} ms; summary ${JSON.stringify(h.summary)}`);
  }

  // The NTP step on WebGPU where an adapter exists (flagged software or hardware); --no-webgpu skips it.
  let webgpuStepMs: number | null = null;
  let webgpuAdapter: WebgpuAdapterFigure | null = null;
  if (!flag('--no-webgpu')) {
    ({ webgpuStepMs, webgpuAdapter } = await measureWebgpuStep());
    log(`WebGPU NTP step: ${webgpuStepMs ?? 'null'} ms on ${webgpuAdapter ? `${webgpuAdapter.vendor} ${webgpuAdapter.device} (${webgpuAdapter.software ? 'software' : 'hardware'})` : 'no adapter'}`);
  }

  const load1 = os.loadavg()[0];
  log(`load average ${load1.toFixed(2)} at the end`);
  console.log(
    JSON.stringify({
      backend: backend.name,
      threads: backend.threads,
      loadAvgStart: round(load0, 2),
      loadAvgEnd: round(load1, 2),
      ntpStepMs: round(ntpStepMs),
      ntpStepCpuMs: round(ntpCpuMs),
      ntpStepMsTwoThreads: twoThreadStepMs === null ? null : round(twoThreadStepMs),
      stockWasmStepMs: stockStepMs === null ? null : round(stockStepMs),
      torchStepMs: torchBestMs,
      torchStepMsAllThreads: torch ? torch.torchStepMs : null,
      torchStepMsOneThread: torch1 ? torch1.torchStepMs : null,
      torchStepCpuMsOneThread: torch1 ? torch1.torchStepCpuMs : null,
      ratioToTorch: ratioToTorch === null ? null : round(ratioToTorch, 2),
      ratioToTorchByCpuTimeOneThread: cpuRatio === null ? null : round(cpuRatio, 2),
      rlStepMs: round(rlStepMs),
      rlStepSplitByWorkers: rlSplitByWorkers,
      cachedTokensPerSec: Math.round(cachedTps),
      uncachedTokensPerSec: Math.round(uncachedTps),
      cachedSamplingSpeedup: round(cachedSamplingSpeedup, 2),
      headlineSeconds: 'skipped' in headline ? null : headline.seconds,
      headlineSecondsOneCore: 'skipped' in headlineOne ? null : headlineOne.seconds,
      workers: allWorkers,
      ntpStepMsByWorkers,
      rlStepMsByWorkers,
      torchBlas,
      webgpuStepMs,
      webgpuAdapter,
      headlineNtpStepMs: 'skipped' in headline ? null : headline.ntpStepMs,
      headlineRlStepMs: 'skipped' in headline ? null : headline.rlStepMs,
    }),
  );
}

await main();
process.exit(0);

// npm run bench:trainer — trainer speed on this machine (issue 6).
//
// Prints, for the config (GPT 2 layers x 128 wide x 4 heads, batch 32 x 64 tokens, Adam):
//   - NTP step time with the fast WASM kernels (and, once, with TF.js's stock kernels);
//   - an RL step: 256 rollouts (32 prompts x 8) of a 21-token parity prompt sampled at T=1 with the
//     KV cache, then a policy-gradient update on them;
//   - sampling tokens/s with and without the KV cache (256 rows, 21-token prompt, 21 new tokens);
//   - the same model's PyTorch step, measured now by bench/torch_ref.py, where torch is importable;
//   - the headline preset's wall time (NTP then RL), if trainer/presets.ts provides it.
// The last line is one JSON object.
//
// Flags: --steps N (timed NTP steps, default 10), --no-stock, --no-2t, --no-torch, --no-headline
// The 1-minute load average is printed: on a machine shared with other work every figure moves.
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
import { makeTrainStep, maskedCrossEntropy } from '../trainer/model/train-step';
import { GemmWorker } from '../trainer/compute/wasm-gemm-worker';

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

// ---------------------------------------------------------------------------------------------
// NTP step

/** CPU milliseconds (user + system, all threads) per timed step of the last ntpStepTimes call. */
let lastCpuMs: number[] = [];

function ntpStepTimes(model: GPT, steps: number, warmup: number): number[] {
  const idx = tf.randomUniformInt([B, T], 0, MODEL.vocabSize, 1) as tf.Tensor2D;
  const tgt = tf.randomUniformInt([B, T], 0, MODEL.vocabSize, 2) as tf.Tensor2D;
  const mask = tf.ones([B, T]) as tf.Tensor2D;
  const step = makeTrainStep(model, tf.train.adam(1e-3), (m) => maskedCrossEntropy(m.forward(idx), tgt, mask), { clipNorm: 1 });
  const times: number[] = [];
  lastCpuMs = [];
  for (let i = 0; i < warmup + steps; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = step(null);
    r.loss.dataSync(); // the backends here are synchronous; this only makes the timing honest elsewhere
    r.loss.dispose();
    r.gradNorm.dispose();
    const c = process.cpuUsage(c0);
    if (i >= warmup) {
      times.push(performance.now() - t0);
      lastCpuMs.push((c.user + c.system) / 1000);
    }
  }
  tf.dispose([idx, tgt, mask]);
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

/** One RL step as the trainer does it: sample groups with the cache, then a REINFORCE-style update. */
async function rlStepTimes(model: GPT, steps: number): Promise<{ rolloutMs: number[]; updateMs: number[] }> {
  const prompts = 32;
  const group = 8;
  const opt = tf.train.adam(1e-4);
  const rolloutMs: number[] = [];
  const updateMs: number[] = [];
  for (let s = 0; s < steps + 1; s++) {
    const t0 = performance.now();
    const ps = parityPrompts(prompts, 100 + s).flatMap((p) => Array.from({ length: group }, () => p));
    const g = await generate(model, ps, { maxNewTokens: NEW_TOKENS, temperature: 1, eosId: 3, seed: s + 1 });
    const t1 = performance.now();
    // sequences = prompt + response (+EOS), right-padded; advantages +-1 at random stand in for rewards
    const L = PROMPT_LEN + NEW_TOKENS;
    const n = ps.length;
    const seq = new Int32Array(n * L).fill(3);
    const mask = new Float32Array(n * (L - 1));
    for (let i = 0; i < n; i++) {
      seq.set(ps[i], i * L);
      seq.set(g.tokens[i], i * L + PROMPT_LEN);
      const adv = (i * 2654435761) % 7 < 3 ? 1 : -1;
      for (let t = PROMPT_LEN - 1; t < PROMPT_LEN - 1 + g.lengths[i] + g.finished[i]; t++) mask[i * (L - 1) + t] = adv;
    }
    const step = makeTrainStep(model, opt, (m) => {
      const x = tf.tensor2d(seq, [n, L]).slice([0, 0], [n, L - 1]).cast('int32') as tf.Tensor2D;
      const y = tf.tensor2d(seq, [n, L]).slice([0, 1], [n, L - 1]).cast('int32') as tf.Tensor2D;
      return maskedCrossEntropy(m.forward(x), y, tf.tensor2d(mask, [n, L - 1]));
    });
    const r = step(null);
    r.loss.dataSync();
    r.loss.dispose();
    r.gradNorm.dispose();
    const t2 = performance.now();
    if (s > 0) {
      rolloutMs.push(t1 - t0);
      updateMs.push(t2 - t1);
    }
  }
  return { rolloutMs, updateMs };
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

async function timeHeadline(): Promise<HeadlineTiming | { skipped: string }> {
  if (!existsSync(path.join(here, '..', 'trainer', 'presets.ts'))) return { skipped: 'trainer/presets.ts does not exist yet' };
  const presets = (await import('../paper/presets' as string)) as Record<string, unknown>;
  const experiment = (await import('../trainer/algorithms/experiment')) as Record<string, unknown>;
  const config = await import('../vocabulary/experiment-config');
  const getPreset = presets.getPreset as ((name: string) => { config: unknown } | undefined) | undefined;
  const preset = getPreset?.('headline') ?? (presets.headline as { config: unknown } | undefined);
  const run = experiment.runExperiment as ((cfg: unknown, sink: unknown) => Promise<{ summary: unknown }>) | undefined;
  if (!preset || !run) return { skipped: 'no headline preset or runExperiment' };
  const cfg = config.parseConfig(preset.config);
  const rates: Record<string, number> = {};
  const sink = {
    metrics() {},
    samples() {},
    checkpoint() {
      return 0;
    },
    progress(ev: { phase: string; stepsPerSec: number; step: number; totalSteps: number }) {
      if (ev.stepsPerSec > 0) rates[ev.phase] = ev.stepsPerSec;
      if (process.stderr.isTTY) process.stderr.write(`\r  headline ${ev.phase} ${ev.step}/${ev.totalSteps}   `);
      else if (ev.step === ev.totalSteps || ev.step % 100 === 0) process.stderr.write(`  headline ${ev.phase} ${ev.step}/${ev.totalSteps}\n`);
    },
  };
  const t0 = performance.now();
  const res = await run(cfg, sink);
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
  log(`model: ${MODEL.nLayer} layers x ${MODEL.nEmbd} wide x ${MODEL.nHead} heads, mlp x${MODEL.mlpRatio}, batch ${B} x ${T} tokens, Adam`);
  const model = new GPT(MODEL, 1);
  log(`params: ${model.numParams}`);

  const steps = numArg('--steps', 10);
  const ntp = ntpStepTimes(model, steps, 3);
  const ntpStepMs = median(ntp);
  const ntpCpuMs = median(lastCpuMs);
  log(`NTP step (fast kernels): median ${round(ntpStepMs)} ms, min ${round(Math.min(...ntp))} ms over ${steps} steps; CPU time ${round(ntpCpuMs)} ms per step`);

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

  const rl = await rlStepTimes(model, 3);
  const rlRolloutMs = median(rl.rolloutMs);
  const rlUpdateMs = median(rl.updateMs);
  const rlStepMs = rlRolloutMs + rlUpdateMs;
  log(`RL step (256 rollouts = 32 prompts x 8, T=1, cap ${NEW_TOKENS}; then update): ${round(rlStepMs)} ms = rollouts ${round(rlRolloutMs)} + update ${round(rlUpdateMs)}`);
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
  const torchBestMs = torch ? Math.min(torch.torchStepMs, torch1?.torchStepMs ?? Infinity) : null;
  const ratioToTorch = torchBestMs ? ntpStepMs / torchBestMs : null;
  if (torch) {
    log(`PyTorch step, same model, this run [${torchNote}]:`);
    log(`  ${torch.threads} threads: median ${torch.torchStepMs} ms (min ${torch.torchStepMsMin}, CPU ${torch.torchStepCpuMs} ms)`);
    if (torch1) log(`  1 thread:  median ${torch1.torchStepMs} ms (min ${torch1.torchStepMsMin}, CPU ${torch1.torchStepCpuMs} ms)`);
    log(`  ratio ours / best PyTorch = ${round(ntpStepMs, 1)} / ${torchBestMs} = ${round(ratioToTorch!, 2)}`);
  } else log(`PyTorch: ${torchNote}`);
  // CPU time per step is steadier than wall time under load: an idle-machine estimate.
  const cpuRatio = torch1 ? ntpCpuMs / torch1.torchStepCpuMs : null;
  if (cpuRatio !== null) log(`  by CPU time, one thread each: ours ${round(ntpCpuMs)} ms vs torch ${torch1!.torchStepCpuMs} ms -> ratio ${round(cpuRatio, 2)}`);
  if (torch?.blas.includes('libblas.so.3') && !torch.blas.includes('openblas')) {
    log('  warning: torch uses the reference BLAS; install libopenblas0-pthread or the comparison flatters us');
  }

  let headline: HeadlineTiming | { skipped: string } = { skipped: 'skipped (--no-headline)' };
  if (!flag('--no-headline')) {
    try {
      headline = await timeHeadline();
    } catch (err) {
      headline = { skipped: `headline run failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  if ('skipped' in headline) log(`headline: null — ${headline.skipped}`);
  else log(`headline preset (NTP then RL): ${headline.seconds} s; its NTP step ${headline.ntpStepMs} ms, RL step ${headline.rlStepMs} ms; summary ${JSON.stringify(headline.summary)}`);

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
      cachedTokensPerSec: Math.round(cachedTps),
      uncachedTokensPerSec: Math.round(uncachedTps),
      cachedSamplingSpeedup: round(cachedSamplingSpeedup, 2),
      headlineSeconds: 'skipped' in headline ? null : headline.seconds,
      headlineNtpStepMs: 'skipped' in headline ? null : headline.ntpStepMs,
      headlineRlStepMs: 'skipped' in headline ? null : headline.rlStepMs,
    }),
  );
}

await main();
process.exit(0);

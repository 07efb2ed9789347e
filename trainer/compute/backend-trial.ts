// A few production training steps (NtpTrainer, then RlTrainer) on one named TF.js backend, in a
// process of its own: a process holds one backend, so comparing WebGPU with WASM, or timing
// WebGPU from a benchmark that already runs WASM, takes a child process each.
//
//   node --import tsx trainer/compute/backend-trial.ts --backend webgpu --size tiny --ntp-steps 5 --rl-steps 0
//
// prints one JSON line: BackendTrialResult. Exit code 3 when the backend cannot run (the line's
// `error` says why), 1 on any other failure.
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BACKENDS, parseConfig, type BackendPref, responseCap, type ExperimentConfig } from '../../vocabulary/experiment-config';
import { NtpTrainer } from '../algorithms/ntp';
import { RlTrainer } from '../algorithms/rl';
import { GPT } from '../model/model';
import { modelConfigFor } from '../model/model-config';
import { makeTask } from '../tasks';
import { initBackend, type BackendInfo } from './tfjs-runtime';

/** tiny: seconds on a software GPU. bench: bench/trainer.bench.ts's model (2 x 128, batch 32 x 64 tokens). */
export type TrialSize = 'tiny' | 'bench';

export interface BackendTrialOptions {
  backend: BackendPref;
  size: TrialSize;
  ntpSteps: number;
  rlSteps: number;
  /** Untimed steps first (kernel compilation), NTP and RL each. */
  warmup: number;
  seed: number;
}

export interface BackendTrialResult {
  backend: BackendInfo | null;
  /** Loss of every NTP step, warm-up included (read back each step). */
  ntpLosses: number[];
  ntpStepMs: number[];
  rlStepMs: number[];
  error?: string;
}

export function trialConfig(size: TrialSize, seed: number): ExperimentConfig {
  const rl = { steps: 1, algorithm: 'grpo', groupSize: 8, promptsPerStep: size === 'tiny' ? 2 : 32, lr: 1e-4 } as const;
  return size === 'tiny'
    ? parseConfig({ task: { kind: 'parity', d: 6, p_cot: 0.5 }, model: { layers: 1, heads: 2, width: 32, mlpRatio: 4 }, ntp: { steps: 1, batchSize: 8, lr: 3e-3, warmupSteps: 0 }, rl, seed })
    : parseConfig({ task: { kind: 'parity', d: 31, p_cot: 1 }, model: { layers: 2, heads: 4, width: 128, mlpRatio: 4 }, ntp: { steps: 1, batchSize: 32, lr: 1e-3, warmupSteps: 0, gradClip: 1 }, rl, seed });
}

export async function runBackendTrial(opts: BackendTrialOptions): Promise<BackendTrialResult> {
  const backend = await initBackend(opts.backend);
  const config = trialConfig(opts.size, opts.seed);
  const task = makeTask(config.task);
  const model = new GPT(modelConfigFor(config), config.seed);
  const ntpLosses: number[] = [];
  const ntpStepMs: number[] = [];
  const rlStepMs: number[] = [];
  const ntp = new NtpTrainer(model, task, { ...config.ntp, steps: opts.warmup + opts.ntpSteps }, config.seed);
  for (let i = 0; i < opts.warmup + opts.ntpSteps; i++) {
    const t0 = performance.now();
    const r = await ntp.step(i, true); // reading the loss back waits for the GPU: the time is the step's
    if (i >= opts.warmup) ntpStepMs.push(performance.now() - t0);
    ntpLosses.push(r.loss ?? Number.NaN);
  }
  ntp.dispose();
  if (opts.rlSteps > 0 && config.rl) {
    const ref = GPT.fromBytes(await model.toBytesAsync());
    const rl = new RlTrainer(model, ref, task, config.rl, { maxNewTokens: responseCap(config), seed: config.seed, rolloutsToLog: 0 });
    for (let i = 0; i < opts.warmup + opts.rlSteps; i++) {
      const t0 = performance.now();
      await rl.step(i); // reads its metrics back, so it too ends when the GPU is done
      if (i >= opts.warmup) rlStepMs.push(performance.now() - t0);
    }
    rl.dispose();
    ref.dispose();
  }
  model.dispose();
  return { backend, ntpLosses, ntpStepMs, rlStepMs };
}

export const TRIAL_ENTRY = fileURLToPath(import.meta.url);

/** Runs a trial in a fresh Node process (tsx loader) and returns its JSON line. */
export function runBackendTrialInChild(opts: BackendTrialOptions, timeoutMs = 600_000): Promise<BackendTrialResult> {
  const args = ['--import', 'tsx', TRIAL_ENTRY, '--backend', opts.backend, '--size', opts.size, '--ntp-steps', String(opts.ntpSteps), '--rl-steps', String(opts.rlSteps), '--warmup', String(opts.warmup), '--seed', String(opts.seed)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last) as BackendTrialResult);
      } catch {
        reject(new Error(`backend trial exited with ${signal ?? code} and no result: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      }
    });
  });
}

function parseArgs(argv: string[]): BackendTrialOptions {
  const get = (name: string, dflt: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
  };
  const int = (name: string, dflt: number) => {
    const v = Number(get(name, String(dflt)));
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a non-negative integer, got ${get(name, '')}`);
    return v;
  };
  const size = get('size', 'tiny');
  if (size !== 'tiny' && size !== 'bench') throw new Error(`--size must be tiny or bench, got ${size}`);
  const backend = BACKENDS.find((b) => b === get('backend', 'auto'));
  if (!backend) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}, got ${get('backend', '')}`);
  return { backend, size, ntpSteps: int('ntp-steps', 5), rlSteps: int('rl-steps', 0), warmup: int('warmup', 0), seed: int('seed', 0) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const opts = parseArgs(process.argv.slice(2));
  try {
    const result = await runBackendTrial(opts);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stdout.write(`${JSON.stringify({ backend: null, ntpLosses: [], ntpStepMs: [], rlStepMs: [], error: message } satisfies BackendTrialResult)}\n`);
    process.exit(/cannot (run|load)/.test(message) ? 3 : 1);
  }
}

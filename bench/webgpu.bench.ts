// The production NTP step on WebGPU (issue 12), in a child process of its own: a process holds
// one TF.js backend, and bench/trainer.bench.ts runs WASM.
//
//   node --import tsx bench/webgpu.bench.ts [--steps N] [--rl-steps N] [--allow-software]
//
// prints one JSON line: { webgpuStepMs, webgpuAdapter, webgpuRlStepMs, note }. Without an adapter
// (or with only a software one, unless --allow-software) the step is null and `note` says why.
// The model is bench/trainer.bench.ts's: GPT 2 layers x 128 wide x 4 heads, batch 32 x 64 tokens.
import { pathToFileURL } from 'node:url';
import { runBackendTrialInChild } from '../trainer/compute/backend-trial';
import { probeWebgpuAdapter } from '../trainer/compute/webgpu-probe';

export interface WebgpuAdapterFigure {
  vendor: string;
  device: string;
  driver: string;
  software: boolean;
}

export interface WebgpuBench {
  /** Median of the timed NTP steps (after warm-up), ms; null where WebGPU did not run. */
  webgpuStepMs: number | null;
  webgpuAdapter: WebgpuAdapterFigure | null;
  /** Median RL step (rollouts + update), ms, when asked for. */
  webgpuRlStepMs: number | null;
  note: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

export async function measureWebgpu(opts: { steps?: number; rlSteps?: number; warmup?: number; allowSoftware?: boolean } = {}): Promise<WebgpuBench> {
  const probe = await probeWebgpuAdapter();
  const a = probe.adapter;
  const webgpuAdapter = a ? { vendor: a.vendor, device: a.device, driver: a.driver, software: a.software } : null;
  if (!a) return { webgpuStepMs: null, webgpuAdapter, webgpuRlStepMs: null, note: probe.note };
  // A software adapter is timed only when asked: at 1-6 s a step it says nothing about GPUs.
  if (a.software && !opts.allowSoftware) return { webgpuStepMs: null, webgpuAdapter, webgpuRlStepMs: null, note: `${probe.note}: software, not timed (--allow-software times it)` };
  const r = await runBackendTrialInChild({ backend: 'webgpu', size: 'bench', ntpSteps: opts.steps ?? 10, rlSteps: opts.rlSteps ?? 0, warmup: opts.warmup ?? 3, seed: 0 }, 1_800_000);
  if (r.error) return { webgpuStepMs: null, webgpuAdapter, webgpuRlStepMs: null, note: r.error };
  return { webgpuStepMs: round(median(r.ntpStepMs)), webgpuAdapter, webgpuRlStepMs: round(median(r.rlStepMs)), note: r.backend?.note ?? probe.note };
}

/**
 * For bench/trainer.bench.ts: the NTP step on WebGPU wherever an adapter exists, flagged software
 * or hardware by `webgpuAdapter.software` (a software adapter gets fewer steps: seconds each).
 */
export async function measureWebgpuStep(): Promise<{ webgpuStepMs: number | null; webgpuAdapter: WebgpuAdapterFigure | null }> {
  const software = (await probeWebgpuAdapter()).adapter?.software === true;
  const { webgpuStepMs, webgpuAdapter } = await measureWebgpu(software ? { steps: 3, warmup: 2, allowSoftware: true } : {});
  return { webgpuStepMs, webgpuAdapter };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const num = (name: string, dflt: number) => {
    const i = args.indexOf(name);
    const v = i >= 0 ? Number(args[i + 1]) : dflt;
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer`);
    return v;
  };
  const result = await measureWebgpu({ steps: num('--steps', 10), rlSteps: num('--rl-steps', 0), warmup: num('--warmup', 3), allowSoftware: args.includes('--allow-software') });
  console.log(JSON.stringify(result));
}

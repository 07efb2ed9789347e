// Writes made-up but realistic-looking runs of a p_cot sweep through the real recorder, for the
// e2e tests and the UI benchmark: NTP at chance below p_cot = 1/3 and solved above it, RL solving
// it either way. Deterministic per (p_cot, seed).
import type { RunStore } from '../store';

export interface SyntheticRun {
  pCot: number;
  seed: number;
  ntpSteps: number;
  rlSteps: number;
  /** Log every `every` steps. */
  every?: number;
  /** Extra metric keys beyond the three the paper's figure uses. */
  extraKeys?: string[];
  tags?: string[];
  name?: string;
}

export function writeSyntheticRun(store: RunStore, r: SyntheticRun): number {
  const every = r.every ?? 10;
  const config = {
    task: { kind: 'parity', d: 8, p_cot: r.pCot },
    model: { layers: 1, heads: 2, width: 32 },
    ntp: { steps: r.ntpSteps, batchSize: 16 },
    rl: r.rlSteps > 0 ? { steps: r.rlSteps, algorithm: 'grpo', temperature: 1 } : null,
    seed: r.seed,
  };
  const id = store.createRun({ name: r.name ?? `p_cot=${r.pCot} seed=${r.seed}`, config, seed: r.seed, groupKey: `synthetic-${r.pCot}-${r.rlSteps}`, tags: r.tags });
  const rec = store.recorder(id);
  rec.markRunning({ backend: 'synthetic', backendVersion: '0', threads: 1, pid: process.pid });
  const jitter = ((r.seed * 7919 + Math.round(r.pCot * 1000)) % 13) / 200;
  const ntpFinal = r.pCot >= 1 / 3 ? 1 - jitter / 2 : 0.5 - 0.03 + jitter;
  const total = r.ntpSteps + r.rlSteps;
  for (let step = 0; step <= total; step += every) {
    const rl = step > r.ntpSteps;
    const t = rl ? (step - r.ntpSteps) / Math.max(1, r.rlSteps) : step / Math.max(1, r.ntpSteps);
    const acc = rl ? ntpFinal + (1 - ntpFinal) * Math.min(1, 3 * t) : 0.5 + (ntpFinal - 0.5) * t;
    const longShare = rl ? r.pCot + (1 - r.pCot) * Math.min(1, 2 * t) : r.pCot * t;
    const values: Record<string, number> = {
      'eval/greedy_accuracy': acc,
      'eval/greedy_length_median': acc > 0.9 ? 8 : 1,
      'eval/sampled_long_share': longShare,
      loss: rl ? -0.1 * t : 2 * Math.exp(-3 * t) + 0.05 + jitter / 10,
    };
    for (const [i, key] of (r.extraKeys ?? []).entries()) values[key] = Math.sin(step / 50 + i) + 1 + jitter;
    rec.metrics(Object.entries(values).map(([key, value]) => ({ key, step, phase: rl ? 'rl' : 'ntp', value, wallTime: step / 10, samplesSeen: step * 16 })));
  }
  rec.finish('completed');
  return id;
}

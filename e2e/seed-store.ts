// A run store written directly through db/ before `workbench serve` opens it: finished runs with
// metrics in both phases, NTP checkpoints, samples at several evaluation steps and a seed pair, so
// UI tests need no training.
import { openStore } from '../db';
import { groupKey, parseConfig } from '../vocabulary/experiment-config';

export interface SeededRun {
  id: number;
  name: string;
  checkpoints: { id: number; step: number }[];
}

const NTP_STEPS = 60;
const RL_STEPS = 20;

function seedRun(store: ReturnType<typeof openStore>, name: string, seed: number, algorithm: 'grpo' | 'star', pCot: number): SeededRun {
  const config = parseConfig({
    task: { kind: 'parity', d: 6, p_cot: pCot },
    model: { layers: 1, heads: 2, width: 32 },
    ntp: { steps: NTP_STEPS, batchSize: 16, evalEvery: 20, checkpointEvery: 20 },
    rl: { steps: RL_STEPS, algorithm, groupSize: 4, promptsPerStep: 4, evalEvery: 10 },
    seed,
  });
  const id = store.createRun({ name, config, seed, groupKey: groupKey(config), tags: ['seeded'] });
  const rec = store.recorder(id);
  rec.markRunning({ backend: 'wasm', backendVersion: '4.22.0', threads: 1, pid: process.pid });
  const row = (key: string, step: number, value: number) => ({
    key,
    step,
    phase: step <= NTP_STEPS ? ('ntp' as const) : ('rl' as const),
    value,
    wallTime: step * 0.37,
    samplesSeen: step * 16,
  });
  const rows = [];
  for (let step = 1; step <= NTP_STEPS; step++) rows.push(row('loss', step, 1.4 - step / 100));
  for (let step = NTP_STEPS + 1; step <= NTP_STEPS + RL_STEPS; step++) {
    rows.push(row('rl/loss', step, -0.05 - step / 2000), row('reward', step, 0.5 + (step - NTP_STEPS) / 50));
  }
  for (const step of [20, 40, 60, 70, 80]) {
    const rl = step > NTP_STEPS;
    rows.push(
      row('eval/greedy_accuracy', step, rl ? 0.9 + seed / 100 : 0.5),
      row('eval/greedy_length_median', step, rl ? 6 : 1),
      row('eval/sampled_long_share', step, rl ? 0.8 : pCot),
    );
  }
  rec.metrics(rows);
  for (const step of [20, 40, 60, 70, 80]) {
    const phase = step > NTP_STEPS ? ('rl' as const) : ('ntp' as const);
    rec.samples([
      { phase, step, kind: 'greedy', prompt: `0 1 1 0 1 ${step % 2} =`, response: `sample at step ${step}`, correct: step > NTP_STEPS, length: 1 },
    ]);
  }
  const checkpoints = [20, 40, 60].map((step) => ({
    step,
    id: rec.checkpoint({ phase: 'ntp', step, bytes: new Uint8Array([step]), meta: { step } }),
  }));
  rec.finish('completed');
  return { id, name, checkpoints };
}

/** Writes the seeded runs into the store at `dbPath` and closes it. */
export function seedStore(dbPath: string): SeededRun[] {
  const store = openStore(dbPath);
  try {
    return [
      seedRun(store, 'seeded grpo s0', 0, 'grpo', 0.25),
      seedRun(store, 'seeded grpo s1', 1, 'grpo', 0.25),
      seedRun(store, 'seeded star', 0, 'star', 0.4),
    ];
  } finally {
    store.close();
  }
}

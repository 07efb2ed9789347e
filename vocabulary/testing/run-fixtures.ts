// Run summaries for unit tests: real shapes, made-up numbers.
import type { RunSummary } from '../runs';

export function makeRun(id: number, over: Partial<RunSummary> & { pCot?: number; seed?: number; algorithm?: string } = {}): RunSummary {
  const { pCot = 0.25, seed = 1, algorithm = 'grpo', ...rest } = over;
  const config = {
    task: { kind: 'parity', d: 20, p_cot: pCot, chain: 'full' },
    model: { layers: 2, width: 128 },
    ntp: { steps: 300, batchSize: 64 },
    rl: { steps: 100, algorithm, temperature: 1 },
    seed,
    backend: 'auto',
  };
  return {
    id,
    name: `run ${id}`,
    status: 'completed',
    createdAt: 1_700_000_000_000 + id,
    startedAt: null,
    finishedAt: null,
    seed,
    groupKey: `g-${pCot}-${algorithm}`,
    tags: [],
    notes: '',
    backend: 'wasm',
    backendVersion: '4.22.0',
    threads: 2,
    parentRunId: null,
    parentCheckpointId: null,
    error: null,
    config: config as unknown as RunSummary['config'],
    progress: null,
    last: {},
    ...rest,
  };
}

// The real trainer process (fork + tsx) against a real SQLite store in a temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../db';
import { groupKey, parseConfig, type ExperimentConfigInput } from '../../vocabulary/experiment-config';
import { forkTrainer, startTrainer, type ChildToParent } from './supervisor';

const dir = mkdtempSync(join(tmpdir(), 'trainer-process-'));
const dbPath = join(dir, 'runs.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const input: ExperimentConfigInput = {
  task: { kind: 'parity', d: 4, p_cot: 0.5 },
  model: { layers: 1, heads: 2, width: 16, mlpRatio: 2 },
  ntp: { steps: 1000, batchSize: 8, evalEvery: 0 },
  eval: { heldOut: 8 },
  backend: 'wasm',
};

function createRun(config: ExperimentConfigInput): number {
  const store = openStore(dbPath);
  try {
    const parsed = parseConfig(config);
    return store.createRun({ name: 'process test', config: parsed, seed: parsed.seed, groupKey: groupKey(parsed) });
  } finally {
    store.close();
  }
}

function runRow(id: number) {
  const store = openStore(dbPath);
  try {
    return store.getRun(id)!;
  } finally {
    store.close();
  }
}

describe('trainer process', () => {
  it('reports failure (not a hang) when a step throws, and the run is marked failed', async () => {
    const runId = createRun(input);
    const handle = startTrainer({ runId, dbPath, config: input, spawn: () => forkTrainer({ ...process.env, WORKBENCH_FAIL_AT_STEP: '2' }) });
    const seen: ChildToParent['type'][] = [];
    handle.events((m) => seen.push(m.type));
    const final = await handle.done;
    expect(final).toMatchObject({ type: 'failed', runId, reason: 'injected failure at ntp step 2 (WORKBENCH_FAIL_AT_STEP=2)' });
    expect(seen[0]).toBe('started');
    const run = runRow(runId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/injected failure at ntp step 2/);
    expect(run.backend).toBe('wasm');
  });

  it('stops promptly on request and records the run as stopped', async () => {
    const runId = createRun(input);
    const handle = startTrainer({ runId, dbPath, config: input });
    let stopAt = 0;
    handle.events((m) => {
      if (m.type === 'progress' && !stopAt) {
        stopAt = performance.now();
        handle.stop();
      }
    });
    const final = await handle.done;
    expect(final).toMatchObject({ type: 'done', status: 'stopped' });
    expect(performance.now() - stopAt).toBeLessThan(3000);
    expect(runRow(runId).status).toBe('stopped');
  });

  it('turns a child that dies silently into an interrupted failure', async () => {
    const runId = createRun(input);
    const handle = startTrainer({ runId, dbPath, config: input });
    handle.events((m) => {
      if (m.type === 'started') process.kill(handle.pid!, 'SIGKILL');
    });
    const final = await handle.done;
    expect(final).toMatchObject({ type: 'failed', interrupted: true });
    expect(final.type === 'failed' && final.reason).toMatch(/signal SIGKILL/);
  });

  it('resumes a failed run from its last checkpoint when started again', async () => {
    const config = { ...input, ntp: { steps: 20, batchSize: 8, evalEvery: 0, checkpointEvery: 10 } };
    const runId = createRun(config);
    const env = { ...process.env, WORKBENCH_FAIL_AT_STEP: '13' };
    expect(await startTrainer({ runId, dbPath, config, spawn: () => forkTrainer(env) }).done).toMatchObject({ type: 'failed' });
    const store = openStore(dbPath);
    expect(store.prepareResume(runId)?.step).toBe(10);
    store.close();
    expect(await startTrainer({ runId, dbPath, config }).done).toMatchObject({ type: 'done', status: 'completed' });
    const after = openStore(dbPath);
    try {
      expect(after.getRun(runId)!.status).toBe('completed');
      expect(after.listCheckpoints(runId).map((c) => c.step).sort((a, b) => a - b)).toEqual([10, 20]);
      const loss = after.series({ runIds: [runId], keys: ['loss'], maxPoints: 1000 })[0];
      expect(loss.x).toEqual(Array.from({ length: 20 }, (_, i) => i + 1)); // 1..13 from the first attempt minus 11..13, then 11..20
    } finally {
      after.close();
    }
  });

  it('trains with the workers the core budget gives it, and records how many it used', async () => {
    const config = { ...input, ntp: { ...input.ntp, steps: 3 } };
    const two = createRun(config);
    const started: ChildToParent[] = [];
    const handle = startTrainer({ runId: two, dbPath, config, workers: 2 });
    handle.events((m) => m.type === 'started' && started.push(m));
    expect(await handle.done).toMatchObject({ type: 'done', status: 'completed' });
    expect(runRow(two).threads).toBe(2);
    expect(started[0]).toMatchObject({ backend: { threads: 2, note: expect.stringContaining('2 data-parallel workers') } });
    // the config's own count, within the budget
    const one = createRun({ ...config, workers: 1 });
    expect(await startTrainer({ runId: one, dbPath, config: { ...config, workers: 1 }, workers: 2 }).done).toMatchObject({ type: 'done' });
    expect(runRow(one).threads).toBe(1);
  }, 60_000);

  it('refuses an invalid config with the field errors, marking the run failed', async () => {
    const bad = { ...input, task: { kind: 'parity', d: 4, p_cot: 1.5 } };
    const runId = createRun(input);
    const final = await startTrainer({ runId, dbPath, config: bad }).done;
    expect(final).toMatchObject({ type: 'failed', reason: 'invalid config: task.p_cot must be in [0,1], got 1.5' });
    expect(runRow(runId).status).toBe('failed');
  });
});

// The backend end to end on a real store with real trainer processes (a tiny config).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkbenchEvent } from '../api/events';
import type { Reply } from '../api/contract';
import type { RunDetail, RunSummary } from '../api/types';
import { openStore } from '../db';
import { createWorkbenchService, type WorkbenchService } from './service';

const TINY = {
  task: { kind: 'parity', d: 4, p_cot: 0.5 },
  model: { layers: 1, heads: 2, width: 16, mlpRatio: 2 },
  ntp: { steps: 6, batchSize: 8, evalEvery: 3, checkpointEvery: 3 },
  eval: { heldOut: 16 },
  backend: 'cpu',
};

let dir: string;
let service: WorkbenchService;
const events: WorkbenchEvent[] = [];

async function call<T>(method: string, input: unknown): Promise<T> {
  const reply = (await service.call(method, input)) as Reply<T>;
  if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
  return reply.data;
}

function waitForStatus(runId: number, statuses: string[], timeoutMs = 90_000): Promise<WorkbenchEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`run ${runId} did not reach ${statuses.join('/')}`)), timeoutMs);
    const unsubscribe = service.subscribe((event) => {
      if (event.type === 'run/status' && event.runId === runId && statuses.includes(event.status)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(event);
      }
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-service-'));
  service = await createWorkbenchService({ storePath: join(dir, 'runs.sqlite'), mode: 'browser' });
  service.subscribe((event) => events.push(event));
});

afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('WorkbenchService', () => {
  it('rejects an invalid config with the field and reason, and starts nothing', async () => {
    const reply = await service.call('runs/start', { config: { ...TINY, task: { kind: 'parity', d: 4, p_cot: 1.5 } } });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('invalid-config');
    expect(reply.error.fieldErrors).toContainEqual({ path: 'task.p_cot', message: 'task.p_cot must be in [0,1], got 1.5' });
    expect(await call<RunSummary[]>('runs/list', {})).toEqual([]);
  });

  it('runs a tiny experiment to completion, streaming progress, and stores its metrics', async () => {
    const { runIds } = await call<{ runIds: number[] }>('runs/start', { config: TINY, name: 'tiny' });
    expect(runIds).toHaveLength(1);
    const runId = runIds[0]!;
    const ended = await waitForStatus(runId, ['completed', 'failed', 'interrupted']);
    expect(ended).toMatchObject({ status: 'completed' });
    expect(events.some((e) => e.type === 'run/progress' && e.runId === runId && e.phase === 'ntp')).toBe(true);
    const run = await call<RunDetail>('runs/get', { id: runId });
    expect(run.name).toBe('tiny');
    expect(run.backend).toBe('cpu');
    expect(run.metrics.loss!.count).toBeGreaterThan(0);
    expect(run.metrics['eval/greedy_accuracy']).toBeDefined();
    expect(run.checkpoints.length).toBeGreaterThan(0);
    const series = await call<{ x: number[]; y: number[] }[]>('metrics/series', { runIds: [runId], keys: ['loss'], maxPoints: 100 });
    expect(series[0]!.x.length).toBe(run.metrics.loss!.count);
  });

  it('queues a sweep as the cross product and branches RL from a checkpoint', async () => {
    const { runIds } = await call<{ runIds: number[] }>('runs/start', {
      config: TINY,
      sweep: [{ path: 'task.p_cot', values: [0.2, 0.6] }, { path: 'seed', values: [1, 2] }],
    });
    expect(runIds).toHaveLength(4);
    const runs = await Promise.all(runIds.map((id) => call<RunDetail>('runs/get', { id })));
    expect(runs.map((r) => [r.config.task.p_cot, r.seed])).toEqual([[0.2, 1], [0.2, 2], [0.6, 1], [0.6, 2]]);
    // Seeds of one config share a group key; other p_cot values do not.
    expect(runs[0]!.groupKey).toBe(runs[1]!.groupKey);
    expect(runs[0]!.groupKey).not.toBe(runs[2]!.groupKey);
    await Promise.all(runIds.map((id) => waitForStatus(id, ['completed', 'failed', 'interrupted'], 180_000)));

    const parent = runs[0]!;
    const checkpoint = (await call<RunDetail>('runs/get', { id: parent.id })).checkpoints.at(-1)!;
    const branched = await call<{ runIds: number[] }>('runs/branch', {
      checkpointId: checkpoint.id,
      overrides: { 'rl.steps': 3, 'rl.algorithm': 'grpo', 'rl.groupSize': 4, 'rl.promptsPerStep': 4 },
    });
    const child = await call<RunDetail>('runs/get', { id: branched.runIds[0]! });
    expect(child.parentRunId).toBe(parent.id);
    expect(child.parentCheckpointId).toBe(checkpoint.id);
    expect(child.config.ntp.steps).toBe(0);
    await expect(waitForStatus(child.id, ['completed', 'failed', 'interrupted'])).resolves.toMatchObject({ status: 'completed' });
    const rl = await call<RunDetail>('runs/get', { id: child.id });
    expect(rl.metrics.reward).toBeDefined();
  }, 300_000);

  it('marks a run whose trainer process is killed as interrupted, never running', async () => {
    const { runIds } = await call<{ runIds: number[] }>('runs/start', { config: { ...TINY, ntp: { ...TINY.ntp, steps: 5000 } } });
    const runId = runIds[0]!;
    await waitForStatus(runId, ['running']);
    const reader = openStore(service.storePath, { readonly: true });
    const pid = reader.getRun(runId)!.pid!;
    reader.close();
    process.kill(pid, 'SIGKILL');
    await expect(waitForStatus(runId, ['interrupted', 'failed'])).resolves.toMatchObject({ status: 'interrupted' });
  });
});

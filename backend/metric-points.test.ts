// metrics/points on a real store: exact values at the end, best, end of each phase and a step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reply } from '../api/contract';
import type { RunMetricPoint } from '../vocabulary/charts/hyperparam';
import { openStore } from '../db';
import { writeSyntheticRun } from '../db/testing/synthetic-sweep';
import { createWorkbenchService, type WorkbenchService } from './service';

let dir: string;
let service: WorkbenchService;
let ids: number[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-points-'));
  const file = join(dir, 'runs.sqlite');
  const store = openStore(file);
  ids = [writeSyntheticRun(store, { pCot: 0.1, seed: 0, ntpSteps: 100, rlSteps: 50 }), writeSyntheticRun(store, { pCot: 0.5, seed: 0, ntpSteps: 100, rlSteps: 0 })];
  store.close();
  service = await createWorkbenchService({ storePath: file, mode: 'browser' });
});

afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('metrics/points', () => {
  it('reads the end of each phase, the best and the value in force at a step', async () => {
    const reply = (await service.call('metrics/points', { runIds: ids, key: 'eval/greedy_accuracy', step: 55 })) as Reply<RunMetricPoint[]>;
    if (!reply.ok) throw new Error(reply.error.message);
    const [sweep, control] = reply.data;
    // Below 1/3: NTP ends near chance, RL solves it.
    expect(sweep.ntpLast).toBeLessThan(0.55);
    expect(sweep.rlLast).toBe(1);
    expect(sweep.last).toBe(1);
    expect(sweep.lastStep).toBe(150);
    expect(sweep.best).toBe(1);
    // Logged every 10 steps: at step 55 the step-50 value is in force.
    expect(sweep.atStep).toBeCloseTo(0.5 + (sweep.ntpLast! - 0.5) * 0.5);
    expect(control.rlLast).toBeNull();
    expect(control.ntpLast).toBe(control.last);
  });

  it('names the bad field of a bad request', async () => {
    const reply = (await service.call('metrics/points', { runIds: ids, key: 'eval/greedy_accuracy', step: -1 })) as Reply<unknown>;
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.fieldErrors?.[0]?.path).toBe('step');
  });
});

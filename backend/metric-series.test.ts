// metrics/series on a real store: each series crosses the contract once (x and y, no copies),
// and a downsampled one still carries its buckets' extremes as points.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reply } from '../api/contract';
import type { MetricSeries, RunDetail } from '../api/types';
import { openStore } from '../db';
import { writeSyntheticRun } from '../db/testing/synthetic-sweep';
import { createWorkbenchService, type WorkbenchService } from './service';

let dir: string;
let service: WorkbenchService;
let ids: number[];

async function call<T>(method: string, input: unknown): Promise<T> {
  const reply = (await service.call(method, input)) as Reply<T>;
  if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
  return reply.data;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-series-'));
  const file = join(dir, 'runs.sqlite');
  const store = openStore(file);
  ids = [0.1, 0.5].map((pCot) => writeSyntheticRun(store, { pCot, seed: 0, ntpSteps: 2000, rlSteps: 1000, every: 1 }));
  store.close();
  service = await createWorkbenchService({ storePath: file, mode: 'browser' });
});

afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('metrics/series', () => {
  it('ships each series once: x and y only', async () => {
    const series = await call<MetricSeries[]>('metrics/series', { runIds: ids, keys: ['loss', 'eval/greedy_accuracy'], maxPoints: 200 });
    expect(series).toHaveLength(4);
    for (const s of series) {
      expect(Object.keys(s).sort()).toEqual(['key', 'runId', 'x', 'y']);
      expect(s.y).toHaveLength(s.x.length);
    }
  });

  it('keeps each bucket extremes as points, so the best of the drawn line is the stored best', async () => {
    const [s] = await call<MetricSeries[]>('metrics/series', { runIds: [ids[0]], keys: ['loss'], maxPoints: 200 });
    const run = await call<RunDetail>('runs/get', { id: ids[0] });
    expect(s.x.length).toBeLessThanOrEqual(200);
    expect(s.x.length).toBeGreaterThan(100);
    expect(Math.min(...s.y)).toBe(run.metrics.loss!.min);
    expect(Math.max(...s.y)).toBe(run.metrics.loss!.max);
  });
});

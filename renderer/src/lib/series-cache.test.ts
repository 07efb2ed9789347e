// The compare view's series cache against the real service on a real store: what it returns is
// what a fresh request returns, and each control change asks only for what it lacks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reply } from '../../../api/contract';
import type { GroupSeries, MetricSeries } from '../../../api/types';
import { openStore } from '../../../db';
import { writeSyntheticRun } from '../../../db/testing/synthetic-sweep';
import { createWorkbenchService, type WorkbenchService } from '../../../backend/service';
import { GroupSeriesCache, missingBlock, SeriesCache, type GroupRequest, type SeriesRequest } from './series-cache';

let dir: string;
let service: WorkbenchService;
let ids: number[];
const [A, B, C] = ['eval/greedy_accuracy', 'eval/sampled_long_share', 'loss'];

async function call<T>(method: string, input: unknown): Promise<T> {
  const reply = (await service.call(method, input)) as Reply<T>;
  if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
  return reply.data;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-series-cache-'));
  const file = join(dir, 'runs.sqlite');
  const store = openStore(file);
  // Two configs x two seeds: two seed groups.
  ids = [0.2, 0.5].flatMap((pCot) => [0, 1].map((seed) => writeSyntheticRun(store, { pCot, seed, ntpSteps: 600, rlSteps: 300, every: 1 })));
  store.close();
  service = await createWorkbenchService({ storePath: file, mode: 'browser' });
});

afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('missingBlock', () => {
  it('asks for the rows that lack a key and the keys those rows lack', () => {
    const held = new Set(['1:a', '1:b', '2:a', '2:b']);
    expect(missingBlock([1, 2], ['a', 'b'], (r, k) => held.has(`${r}:${k}`))).toBeNull();
    expect(missingBlock([1, 2], ['a', 'b', 'c'], (r, k) => held.has(`${r}:${k}`))).toEqual({ rows: [1, 2], keys: ['c'] });
    expect(missingBlock([1, 2, 3], ['a', 'b'], (r, k) => held.has(`${r}:${k}`))).toEqual({ rows: [3], keys: ['a', 'b'] });
  });
});

describe('SeriesCache', () => {
  it('returns what a fresh request returns, fetching only what a change lacks', async () => {
    const asked: SeriesRequest[] = [];
    const cache = new SeriesCache((q) => {
      asked.push(q);
      return call<MetricSeries[]>('metrics/series', q);
    });
    const fresh = (keys: string[], x: 'step' | 'samples') => call<MetricSeries[]>('metrics/series', { runIds: ids, keys, maxPoints: 200, x });

    expect(await cache.load(ids, [A, B], 'step', 200)).toEqual(await fresh([A, B], 'step'));
    expect(asked).toEqual([{ runIds: ids, keys: [A, B], maxPoints: 200, x: 'step' }]);

    // Adding a metric asks for that metric only.
    expect(await cache.load(ids, [A, B, C], 'step', 200)).toEqual(await fresh([A, B, C], 'step'));
    expect(asked.slice(1)).toEqual([{ runIds: ids, keys: [C], maxPoints: 200, x: 'step' }]);

    // Another axis is fetched once; going back asks for nothing.
    expect(await cache.load(ids, [A, B, C], 'samples', 200)).toEqual(await fresh([A, B, C], 'samples'));
    expect(await cache.load(ids, [A, B, C], 'step', 200)).toEqual(await fresh([A, B, C], 'step'));
    expect(asked).toHaveLength(3);

    // A live run is fetched again, alone.
    cache.forget([ids[1]]);
    await cache.load(ids, [A, B, C], 'step', 200);
    expect(asked.slice(3)).toEqual([{ runIds: [ids[1]], keys: [A, B, C], maxPoints: 200, x: 'step' }]);
  });
});

describe('GroupSeriesCache', () => {
  it('asks once for every seed group and returns what per-group requests return', async () => {
    const asked: GroupRequest[] = [];
    const cache = new GroupSeriesCache((q) => {
      asked.push(q);
      return call<GroupSeries[]>('metrics/groupSeries', q);
    });
    const runs = await Promise.all(ids.map((id) => call<{ groupKey: string }>('runs/get', { id })));
    const groups = [[runs[0].groupKey, ids.slice(0, 2)], [runs[2].groupKey, ids.slice(2)]] as const;
    const perGroup = async (keys: string[]) =>
      (await Promise.all(groups.map(([, members]) => call<GroupSeries[]>('metrics/groupSeries', { runIds: members, keys, maxPoints: 200 })))).flat();

    expect(await cache.load(groups, [A, B], 200)).toEqual(await perGroup([A, B]));
    expect(asked).toEqual([{ runIds: ids, keys: [A, B], maxPoints: 200 }]);
    expect(await cache.load(groups, [A, B, C], 200)).toEqual(await perGroup([A, B, C]));
    expect(asked.slice(1)).toEqual([{ runIds: ids, keys: [C], maxPoints: 200 }]);
    await cache.load(groups, [A, B, C], 200);
    expect(asked).toHaveLength(2);

    cache.forget([ids[3]]);
    await cache.load(groups, [A, B, C], 200);
    expect(asked.slice(2)).toEqual([{ runIds: ids.slice(2), keys: [A, B, C], maxPoints: 200 }]);
  });
});

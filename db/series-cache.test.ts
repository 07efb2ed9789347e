import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Series, SeriesQuery } from './records';
import type { XAxis } from './rollup';
import { SeriesCache } from './series-cache';

const one = (runId: number, key: string, x: number[]): Series => ({ runId, key, x, y: x.map(() => 1), downsampled: false, count: x.length, rlStartStep: null });

describe('SeriesCache', () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY, rev INTEGER)');
  db.prepare('INSERT INTO runs (id, rev) VALUES (1, 1), (2, 1)').run();
  // Computes every axis and counts its calls; x is the axis scaled so each axis is told apart.
  const scale: Record<XAxis, number> = { step: 1, samples: 32, wall: 0.1 };
  const calls: SeriesQuery[] = [];
  const compute = (q: SeriesQuery) => {
    calls.push(q);
    return new Map((Object.keys(scale) as XAxis[]).map((a) => [a, q.runIds.flatMap((r) => q.keys.map((k) => one(r, k, [0, r * scale[a]])))]));
  };

  it('keeps the other axes a miss computed and serves them without computing again', () => {
    const cache = new SeriesCache(db);
    const q = { runIds: [1, 2], keys: ['loss'], maxPoints: 100 };
    expect(cache.get(q, compute).map((s) => s.x)).toEqual([[0, 1], [0, 2]]);
    expect(calls).toHaveLength(1);
    expect(cache.get({ ...q, x: 'samples' }, compute).map((s) => s.x)).toEqual([[0, 32], [0, 64]]);
    expect(cache.get({ ...q, x: 'wall' }, compute).map((s) => s.x)).toEqual([[0, 0.1], [0, 0.2]]);
    expect(calls).toHaveLength(1);
    // A run that changed is computed again, alone; the other stays cached.
    db.prepare('UPDATE runs SET rev = 2 WHERE id = 2').run();
    cache.get({ ...q, x: 'samples' }, compute);
    expect(calls.at(-1)!.runIds).toEqual([2]);
    expect(calls).toHaveLength(2);
  });
});

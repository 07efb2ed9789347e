import { describe, expect, it } from 'vitest';
import { groupRuns, unitConfigDiff } from './grouping';
import { makeRun } from './testing/run-fixtures';

describe('groupRuns', () => {
  it('groups seeds of one config and orders them by seed', () => {
    const runs = [
      makeRun(1, { pCot: 0.25, seed: 2 }),
      makeRun(2, { pCot: 0.5, seed: 1 }),
      makeRun(3, { pCot: 0.25, seed: 1 }),
    ];
    const groups = groupRuns(runs);
    expect(groups).toHaveLength(2);
    expect(groups[0].runs.map((r) => r.id)).toEqual([3, 1]);
    expect(groups[0].label).toBe('p_cot=0.25 (2 seeds)');
    expect(groups[1].label).toBe('p_cot=0.5 (1 seed)');
  });

  it('labels a lone group by its run name without the seed', () => {
    const groups = groupRuns([makeRun(1, { name: 'headline seed=1' }), makeRun(2, { name: 'headline seed=2', seed: 2 })]);
    expect(groups).toHaveLength(1);
    expect(groups[0].label).toBe('headline (2 seeds)');
  });
});

describe('unitConfigDiff', () => {
  it('lists a seed group’s seeds in its seed cell', () => {
    const groups = groupRuns([makeRun(1, { seed: 0 }), makeRun(2, { seed: 2 }), makeRun(3, { pCot: 0.5, seed: 1 })]);
    const rows = unitConfigDiff(groups.map((g) => g.runs));
    expect(rows.find((r) => r.path === 'seed')?.values).toEqual(['{0,2}', 1]);
    expect(rows.find((r) => r.path === 'task.p_cot')?.values).toEqual([0.25, 0.5]);
  });
});

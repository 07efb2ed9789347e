import { describe, expect, it } from 'vitest';
import { groupRuns } from './grouping';
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

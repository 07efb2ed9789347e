import { describe, expect, it } from 'vitest';
import { allTags, filterRuns, matchesText, sortRuns } from './run-query';
import { keyConfig, progressFraction } from '../../../vocabulary/run-fields';
import { makeRun } from '../../../vocabulary/testing/run-fixtures';

const runs = [
  makeRun(1, { name: 'headline ntp', pCot: 0.25, tags: ['paper'], last: { 'eval/greedy_accuracy': 0.5 } }),
  makeRun(2, { name: 'control', pCot: 0.5, status: 'running', last: { 'eval/greedy_accuracy': 0.97 } }),
  makeRun(3, { name: 'star sweep', algorithm: 'star', status: 'failed', tags: ['paper', 'sweep'] }),
];

describe('run query', () => {
  it('matches free text and config terms', () => {
    expect(matchesText(runs[0], 'headline')).toBe(true);
    expect(matchesText(runs[0], 'p_cot=0.25')).toBe(true);
    expect(matchesText(runs[1], 'p_cot=0.25')).toBe(false);
    expect(matchesText(runs[2], 'rl.algorithm=star paper')).toBe(true);
    expect(matchesText(runs[1], '#2')).toBe(true);
  });

  it('filters by status and by all chosen tags', () => {
    expect(filterRuns(runs, { text: '', statuses: ['running', 'failed'], tags: [] }).map((r) => r.id)).toEqual([2, 3]);
    expect(filterRuns(runs, { text: '', statuses: [], tags: ['paper', 'sweep'] }).map((r) => r.id)).toEqual([3]);
    expect(allTags(runs)).toEqual(['paper', 'sweep']);
  });

  it('sorts with missing values last in both directions', () => {
    expect(sortRuns(runs, { key: 'accuracy', dir: 'desc' }).map((r) => r.id)).toEqual([2, 1, 3]);
    expect(sortRuns(runs, { key: 'accuracy', dir: 'asc' }).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(sortRuns(runs, { key: 'pCot', dir: 'desc' }).map((r) => r.id)).toEqual([2, 1, 3]);
    expect(sortRuns(runs, { key: 'name', dir: 'asc' }).map((r) => r.id)).toEqual([2, 1, 3]);
  });

  it('reads key config and progress defensively', () => {
    expect(keyConfig(runs[2].config)).toMatchObject({ d: 20, pCot: 0.25, algorithm: 'star', temperature: 1 });
    expect(keyConfig({ task: { d: 10 }, rl: null }).algorithm).toBeNull();
    expect(keyConfig({ task: { kind: 'parity', d: 10, chain: { leap: 2 } } }).task).toBe('parity leap-2');
    expect(keyConfig(null).d).toBeNull();
    const config = { ntp: { steps: 300 }, rl: { steps: 100 } };
    expect(progressFraction({ status: 'running', progress: { phase: 'ntp', step: 100, totalSteps: 300 }, config })).toBe(0.25);
    expect(progressFraction({ status: 'running', progress: { phase: 'rl', step: 50, totalSteps: 100 }, config })).toBe(0.875);
    expect(progressFraction({ status: 'running', progress: { phase: 'ntp', step: 30, totalSteps: 120 }, config: {} })).toBe(0.25);
    expect(progressFraction({ status: 'completed', progress: null, config })).toBe(1);
  });

  it('filters 10k runs quickly once configs are flattened (the typing case)', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => makeRun(i + 1, { pCot: (i % 10) / 10 }));
    filterRuns(many, { text: 'p_cot=0.1', statuses: [], tags: [] });
    const t = performance.now();
    const hits = filterRuns(many, { text: 'p_cot=0.3', statuses: [], tags: [] });
    const sorted = sortRuns(hits, { key: 'id', dir: 'desc' });
    expect(sorted).toHaveLength(1000);
    expect(performance.now() - t).toBeLessThan(500);
  });
});

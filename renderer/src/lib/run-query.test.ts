import { describe, expect, it } from 'vitest';
import { allTags, filterRuns, matchesText, runDuration, sortRuns } from './run-query';
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

  it('compares config values and last metric values with > >= < <= !=', () => {
    const ids = (text: string) => runs.filter((r) => matchesText(r, text)).map((r) => r.id);
    expect(ids('p_cot>0.3')).toEqual([2]);
    expect(ids('p_cot<=0.25')).toEqual([1, 3]);
    expect(ids('task.p_cot!=0.25')).toEqual([2]);
    expect(ids('greedy_acc>=0.9')).toEqual([2]);
    expect(ids('eval/greedy_accuracy<0.9')).toEqual([1]);
    expect(ids('greedy_accuracy=0.5')).toEqual([1]);
    // Combined with other terms; a comparison with a name nothing has matches nothing.
    expect(ids('p_cot<0.3 paper greedy_acc>0.4')).toEqual([1]);
    expect(ids('nosuchkey>1')).toEqual([]);
    expect(ids('p_cot>abc')).toEqual([]);
    // Text values still compare by equality.
    expect(ids('algorithm!=grpo')).toEqual([3]);
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

  it('sorts by seed and by duration, unfinished runs last', () => {
    const timed = [
      makeRun(1, { seed: 2, startedAt: 1000, finishedAt: 61_000 }),
      makeRun(2, { seed: 0, startedAt: 1000, finishedAt: null }),
      makeRun(3, { seed: 1, startedAt: 1000, finishedAt: 11_000 }),
    ];
    expect(sortRuns(timed, { key: 'seed', dir: 'asc' }).map((r) => r.id)).toEqual([2, 3, 1]);
    expect(sortRuns(timed, { key: 'duration', dir: 'desc' }).map((r) => r.id)).toEqual([1, 3, 2]);
    expect(runDuration(timed[0])).toBe(60);
    expect(runDuration(timed[1])).toBeNull();
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

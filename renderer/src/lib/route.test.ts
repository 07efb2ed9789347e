import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, type Route } from './route';
import { shortcutFor } from './keyboard';
import { DEFAULT_HYPERPARAM_QUERY } from '../../../vocabulary/charts/hyperparam';

describe('routes', () => {
  it('round-trips every view', () => {
    const routes: Route[] = [{ view: 'runs' }, { view: 'launch' }, { view: 'launch', branchFrom: 4 }, { view: 'run', id: 12 }, { view: 'compare', ids: [3, 1] }];
    for (const r of routes) expect(parseRoute(formatRoute(r))).toEqual(r);
  });

  it('carries the checkpoint a Branch RL link chose', () => {
    const route: Route = { view: 'launch', branchFrom: 4, checkpoint: 17 };
    expect(formatRoute(route)).toBe('#/launch?branch=4&checkpoint=17');
    expect(parseRoute('#/launch?branch=4&checkpoint=17')).toEqual(route);
    expect(parseRoute('#/launch?branch=4&checkpoint=x')).toEqual({ view: 'launch', branchFrom: 4 });
  });

  it('round-trips a clone of a run into the launch form', () => {
    expect(formatRoute({ view: 'launch', clone: 9 })).toBe('#/launch?clone=9');
    expect(parseRoute('#/launch?clone=9')).toEqual({ view: 'launch', clone: 9 });
    expect(parseRoute('#/launch?clone=-1')).toEqual({ view: 'launch' });
  });

  it('falls back to the runs table on nonsense', () => {
    expect(parseRoute('')).toEqual({ view: 'runs' });
    expect(parseRoute('#/run/abc')).toEqual({ view: 'runs' });
    expect(parseRoute('#/compare?ids=1,x,1,2')).toEqual({ view: 'compare', ids: [1, 2] });
  });
});

describe('shortcuts', () => {
  const key = (k: string, over: Partial<{ ctrlKey: boolean; target: unknown }> = {}) => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    target: null,
    ...over,
  }) as Parameters<typeof shortcutFor>[0];

  it('maps single keys and ignores them while typing', () => {
    expect(shortcutFor(key('n'))).toBe('new-run');
    expect(shortcutFor(key('/'))).toBe('search');
    expect(shortcutFor(key('n', { target: { tagName: 'INPUT' } }))).toBeNull();
    expect(shortcutFor(key('Escape', { target: { tagName: 'INPUT' } }))).toBe('escape');
    expect(shortcutFor(key('n', { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key('a', { ctrlKey: true }))).toBe('select-all');
  });
});

describe('hyperparam route', () => {
  it('round-trips the figure query, ids and tag', () => {
    const route = {
      view: 'hyperparam' as const,
      ids: [3, 4],
      tag: 'study:threshold',
      query: { metric: 'eval/sampled_long_share', x: 'task.p_cot', lineBy: 'rl.algorithm', at: 'step' as const, step: 120, bars: 'std' as const },
    };
    const hash = formatRoute(route);
    expect(hash).toContain('tag=study:threshold');
    expect(parseRoute(hash)).toEqual(route);
  });

  it('falls back to the paper figure on missing or bad values', () => {
    const r = parseRoute('#/hyperparam?tag=x&x=constructor[0]&at=worst&step=-3');
    expect(r).toEqual({ view: 'hyperparam', ids: [], tag: 'x', query: { ...DEFAULT_HYPERPARAM_QUERY } });
  });
});

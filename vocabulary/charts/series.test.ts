import { describe, expect, it } from 'vitest';
import type { GroupSeries, MetricSeries } from '../../api/types';
import { bandOf, branchStart, bestPoint, indexSeries, lastPoint, maxX, phaseBoundary, summarize, uniqueBoundaries, valueAt } from './series';

const s: MetricSeries = {
  runId: 7,
  key: 'eval/greedy_accuracy',
  // As the store ships a downsampled bucket: its extremes as points (a dip to 0.2 and a spike to
  // 0.9 at step 20, before the 0.55 it ended on).
  x: [0, 10, 20, 20, 20, 30],
  y: [0.5, 0.6, 0.2, 0.9, 0.55, Number.NaN],
};

describe('series', () => {
  it('finds the last finite point and the best using bucket extremes', () => {
    expect(lastPoint(s)).toEqual({ x: 20, y: 0.55 });
    expect(bestPoint(s, 'max')).toEqual({ x: 20, y: 0.9 });
    expect(bestPoint(s, 'min')).toEqual({ x: 20, y: 0.2 });
  });

  it('reads the value in force at any x', () => {
    expect(valueAt(s, -1)).toBeNull();
    expect(valueAt(s, 0)).toBe(0.5);
    expect(valueAt(s, 15)).toBe(0.6);
    expect(valueAt(s, 25)).toBe(0.55);
  });

  it('summarizes last, best and value at a chosen step', () => {
    expect(summarize(s, 'max', 10)).toEqual({ last: { x: 20, y: 0.55 }, best: { x: 20, y: 0.9 }, at: 0.6 });
    expect(summarize(s, 'none', null).best).toBeNull();
    expect(summarize(undefined, 'max', 3)).toEqual({ last: null, best: null, at: null });
  });

  it('indexes by run and key and finds the x extent', () => {
    expect(indexSeries([s]).get('7:eval/greedy_accuracy')).toBe(s);
    expect(maxX([s, { x: [0, 99] }])).toBe(99);
  });

  it('places the phase boundary by axis', () => {
    const config = { ntp: { steps: 300, batchSize: 64 }, rl: { steps: 100 } };
    expect(phaseBoundary(config, 'step')).toBe(300);
    expect(phaseBoundary(config, 'samples')).toBe(300 * 64);
    expect(phaseBoundary(config, 'wall')).toBeNull();
    expect(phaseBoundary({ ntp: { steps: 300 }, rl: { steps: 0 } }, 'step')).toBeNull();
    expect(uniqueBoundaries([300, null, 300, 200])).toEqual([200, 300]);
    const branched = { ntp: { steps: 0 }, rl: { steps: 50, fromCheckpoint: { runId: 1, checkpointId: 3 } } };
    expect(phaseBoundary(branched, 'step')).toBeNull();
    expect(branchStart(branched, [{ x: [40, 41] }, { x: [42] }])).toBe(40);
    expect(branchStart(config, [{ x: [40] }])).toBeNull();
  });

  it('draws min-max and std bands', () => {
    const g: GroupSeries = { groupKey: 'g', runIds: [1, 2], key: 'k', x: [0, 1], mean: [0.5, 0.6], min: [0.4, 0.5], max: [0.6, 0.7], std: [0.1, 0.05] };
    expect(bandOf(g, 'minmax')).toEqual({ lower: [0.4, 0.5], upper: [0.6, 0.7] });
    const std = bandOf(g, 'std');
    expect(std.lower[1]).toBeCloseTo(0.55, 12);
    expect(std.upper[0]).toBeCloseTo(0.6, 12);
  });
});

import { describe, expect, it } from 'vitest';
import * as echarts from 'echarts';
import { LIGHT_THEME } from './chart-options';
import {
  aggregate,
  buildHyperparamOption,
  DEFAULT_HYPERPARAM_QUERY,
  hyperparamData,
  hyperparamLineNames,
  type HyperparamQuery,
  type RunMetricPoint,
} from './hyperparam';
import { makeRun } from '../testing/run-fixtures';

const point = (runId: number, over: Partial<RunMetricPoint>): RunMetricPoint => ({
  runId,
  key: 'eval/greedy_accuracy',
  last: null,
  lastStep: null,
  best: null,
  bestStep: null,
  ntpLast: null,
  rlLast: null,
  atStep: null,
  ...over,
});

// A p_cot sweep, two seeds each: NTP at chance below 1/3, RL solving it.
const runs = [
  makeRun(1, { pCot: 0.1, seed: 0 }),
  makeRun(2, { pCot: 0.1, seed: 1 }),
  makeRun(3, { pCot: 0.5, seed: 0 }),
  makeRun(4, { pCot: 0.5, seed: 1 }),
  makeRun(5, { pCot: 0.3, seed: 0, algorithm: 'star' }),
];
const points = new Map(
  [
    point(1, { last: 0.98, ntpLast: 0.5, rlLast: 0.98, best: 0.99, atStep: 0.6 }),
    point(2, { last: 1.0, ntpLast: 0.4, rlLast: 1.0, best: 1.0, atStep: 0.7 }),
    point(3, { last: 1.0, ntpLast: 1.0, rlLast: 1.0, best: 1.0, atStep: 0.9 }),
    point(4, { last: 1.0, ntpLast: 0.9, rlLast: 1.0, best: 1.0, atStep: 1.0 }),
    point(5, { last: 0.7, ntpLast: 0.7, rlLast: null, best: 0.8, atStep: null }),
  ].map((p) => [p.runId, p]),
);
const q = (over: Partial<HyperparamQuery>): HyperparamQuery => ({ ...DEFAULT_HYPERPARAM_QUERY, ...over });

describe('hyperparamData', () => {
  it('draws one line per phase, seeds aggregated per p_cot, x sorted', () => {
    const data = hyperparamData(runs, points, q({ lineBy: 'phase' }));
    expect(data.numericX).toBe(true);
    expect(data.lines.map((l) => l.name)).toEqual(['after NTP', 'after RL']);
    const ntp = data.lines[0].points;
    expect(ntp.map((p) => p.x)).toEqual([0.1, 0.3, 0.5]);
    expect(ntp[0]).toMatchObject({ mean: 0.45, lower: 0.4, upper: 0.5, runIds: [1, 2] });
    // Run 5 has no RL value: it sits on the NTP line only.
    expect(data.lines[1].points.map((p) => p.x)).toEqual([0.1, 0.5]);
    expect(data.skipped).toEqual([]);
  });

  it('draws one line per value of a second key, with the chosen moment', () => {
    const data = hyperparamData(runs, points, q({ lineBy: 'rl.algorithm', at: 'step', step: 100 }));
    expect(data.lines.map((l) => l.name)).toEqual(['algorithm=grpo']);
    expect(data.lines[0].points.map((p) => p.x)).toEqual([0.1, 0.5]);
    expect(data.lines[0].points[0].mean).toBeCloseTo(0.65);
    expect(data.lines[0].points[1].mean).toBeCloseTo(0.95);
    // Run 5 has no value at that step.
    expect(data.skipped).toEqual([5]);
    const best = hyperparamData(runs, points, q({ lineBy: '', at: 'best' }));
    expect(best.lines).toHaveLength(1);
    expect(best.lines[0].points.map((p) => p.mean.toFixed(3))).toEqual(['0.995', '0.800', '1.000']);
  });

  it('uses categories when x is not numeric, and skips runs without the key', () => {
    const data = hyperparamData(runs, points, q({ x: 'rl.algorithm', lineBy: '' }));
    expect(data.numericX).toBe(false);
    expect(data.categories).toEqual(['grpo', 'star']);
    const none = hyperparamData(runs, points, q({ x: 'no.such.key' }));
    expect(none.lines).toEqual([]);
    expect(none.skipped).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('aggregate', () => {
  it('gives min-max or ±1 std bars around the mean', () => {
    const m = aggregate(0.2, [0.2, 0.4, 0.6], [1, 2, 3], 'minmax');
    expect([m.mean.toFixed(6), m.lower, m.upper]).toEqual(['0.400000', 0.2, 0.6]);
    const s = aggregate(0.2, [0.2, 0.4, 0.6], [1, 2, 3], 'std');
    expect(s.std).toBeCloseTo(Math.sqrt(0.08 / 3));
    expect(s.lower).toBeCloseTo(0.4 - s.std);
    expect(s.upper).toBeCloseTo(0.4 + s.std);
  });
});

describe('buildHyperparamOption', () => {
  it('renders error bars and the 1/3 line at p_cot = 1/3 as SVG', () => {
    const query = q({ lineBy: 'phase' });
    const data = hyperparamData(runs, points, query);
    expect(hyperparamLineNames({ data, query })).toEqual(['after NTP', 'after RL', '1/3 threshold']);
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 500, height: 300 });
    chart.setOption(buildHyperparamOption({ data, query, theme: LIGHT_THEME }));
    const svg = chart.renderToSVGString();
    chart.dispose();
    expect(svg).toContain('p_cot = 1/3');
    // One bar (three strokes: stem and two caps) per point: 3 NTP points + 2 RL points.
    const strokes = svg.match(/<path d="M[^"]*"[^>]*stroke-width="1.25"[^>]*ecmeta_silent="true"/g) ?? [];
    expect(strokes.length).toBe(5 * 3);
  });

  it('has no p_cot line when x is another key', () => {
    const query = q({ x: 'seed', lineBy: '' });
    const data = hyperparamData(runs, points, query);
    expect(hyperparamLineNames({ data, query })).not.toContain('1/3 threshold');
  });
});

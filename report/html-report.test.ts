import { describe, expect, it } from 'vitest';
import type { GroupSeries, MetricSeries, RunDetail } from '../api/types';
import { makeRun } from '../vocabulary/testing/run-fixtures';
import { renderComparisonReport } from './html-report';
import { REPORT_CSP_META } from '../vocabulary/csp';

const detail = (id: number, over: Parameters<typeof makeRun>[1]): RunDetail => ({ ...makeRun(id, over), metrics: {}, checkpoints: [] });
const runs = [detail(1, { name: 'headline <p_cot=0.25>', pCot: 0.25 }), detail(2, { name: 'control p_cot=0.5', pCot: 0.5 })];
const keys = ['eval/greedy_accuracy', 'eval/sampled_long_share'];
const series: MetricSeries[] = runs.flatMap((r) =>
  keys.map((key) => ({ runId: r.id, key, x: [0, 150, 300, 400], y: [0.5, 0.55, 0.6, 0.99] })),
);

describe('renderComparisonReport', () => {
  const html = renderComparisonReport({ title: 'Threshold study', runs, series, keys, generatedAt: new Date('2026-01-02T03:04:05Z'), appVersion: '0.1.0' });

  it('is a complete offline HTML document with one SVG chart per key', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('</html>');
    expect(html.match(/<svg/g)?.length).toBe(keys.length);
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });

  it('carries the report variant of the one CSP, so nothing in it can run or load', () => {
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP_META}">`);
  });

  it('names both runs (escaped) and shows backend, versions and the config diff', () => {
    expect(html).toContain('headline &lt;p_cot=0.25&gt;');
    expect(html).toContain('control p_cot=0.5');
    expect(html).toContain('wasm 4.22.0');
    expect(html).toContain('2026-01-02 03:04:05');
    expect(html).toContain('task.p_cot');
    expect(html).not.toMatch(/<td class="mono">model\.layers/);
    expect(html).toContain('1/3 threshold');
  });

  it('draws seed groups with their band when groups are given', () => {
    const seeds = [detail(1, { name: 's1', seed: 1 }), detail(2, { name: 's2', seed: 2 })];
    const group: GroupSeries = { groupKey: seeds[0].groupKey, runIds: [1, 2], key: keys[0], x: [0, 400], mean: [0.5, 0.9], min: [0.4, 0.8], max: [0.6, 1], std: [0.1, 0.1] };
    const out = renderComparisonReport({ title: 'Seeds', runs: seeds, series, groups: [group], keys: [keys[0]], generatedAt: new Date(), appVersion: '0.1.0' });
    expect(out).toContain('2 seeds');
    expect(out).toContain('min–max band');
    expect(out.match(/<svg/g)?.length).toBe(1);
  });

  it('adds the metric-versus-hyperparameter figure with error bars, the 1/3 line and its numbers', () => {
    const sweep = [detail(1, { pCot: 0.1, seed: 0 }), detail(2, { pCot: 0.1, seed: 1 }), detail(3, { pCot: 0.5, seed: 0 })];
    const p = (runId: number, ntpLast: number, rlLast: number) => ({ runId, key: keys[0], last: rlLast, lastStep: 400, best: rlLast, bestStep: 400, ntpLast, rlLast, atStep: null });
    const out = renderComparisonReport({
      title: 'Sweep',
      runs: sweep,
      series,
      keys: [keys[0]],
      hyperparam: [{ query: { metric: keys[0], x: 'task.p_cot', lineBy: 'phase', at: 'end', step: null, bars: 'minmax' }, points: [p(1, 0.4, 1), p(2, 0.6, 0.98), p(3, 1, 1)] }],
      generatedAt: new Date(),
      appVersion: '0.1.0',
    });
    expect(out).toContain('Metric versus hyperparameter');
    expect(out.match(/<svg/g)?.length).toBe(2);
    expect(out).toContain('p_cot = 1/3');
    expect(out).toContain('mean with min–max over seeds error bars');
    // NTP at p_cot 0.1: mean of 0.4 and 0.6 over two seeds, bars 0.4 to 0.6.
    expect(out).toMatch(/<tr><td>after NTP<\/td><td class="num">0.1<\/td><td class="num">50.0%<\/td><td class="num">40.0% – 60.0%<\/td><td class="num">2<\/td>/);
  });
});

describe('report summary and legend', () => {
  it('reads the best step of the long share where its maximum was, not the last step', () => {
    const run: RunDetail = {
      ...detail(1, { name: 'long share' }),
      // What the store reports: its own "best" rule has no goal for a share, so bestStep is the last step.
      metrics: { 'eval/sampled_long_share': { last: 0.3, lastStep: 400, min: 0.2, minStep: 0, max: 0.55, maxStep: 300, bestStep: 400, count: 5 } },
    };
    const out = renderComparisonReport({ title: 'Best', runs: [run], series, keys: ['eval/sampled_long_share'], generatedAt: new Date(), appVersion: '0.1.0' });
    expect(out).toMatch(/55\.0%\s*<span class="muted">\(300\)<\/span>/);
    expect(out).not.toContain('(400)');
  });

  it('lists many lines in one legend table instead of an SVG legend that cannot page', () => {
    const many = Array.from({ length: 10 }, (_, i) => detail(i + 1, { name: `sweep member ${i + 1}`, pCot: i / 20 }));
    const manySeries: MetricSeries[] = many.map((r) => ({ runId: r.id, key: keys[0], x: [0, 100], y: [0.5, 0.6] }));
    const out = renderComparisonReport({ title: 'Many', runs: many, series: manySeries, keys: [keys[0]], generatedAt: new Date(), appVersion: '0.1.0' });
    const legend = /<table class="legend"[\s\S]*?<\/table>/.exec(out)?.[0] ?? '';
    const svg = /<svg[\s\S]*?<\/svg>/.exec(out.slice(out.indexOf('<figure')))?.[0] ?? '';
    for (const r of many) {
      expect(legend).toContain(`${r.name} (#${r.id})`);
      expect(svg).not.toContain(r.name);
    }
    // A few lines keep their legend inside the chart.
    const few = renderComparisonReport({ title: 'Few', runs, series, keys, generatedAt: new Date(), appVersion: '0.1.0' });
    expect(few).not.toContain('class="legend"');
  });
});

import { describe, expect, it } from 'vitest';
import type { GroupSeries, MetricSeries } from '../../api/types';
import { colorFor, LIGHT_THEME } from './chart-options';
import { buildPanelSpec, lineUnits, unitColors } from './compare-lines';
import { indexSeries } from './series';
import { makeRun } from '../testing/run-fixtures';
import { starSchema } from '../experiment-config';

const runs = [makeRun(1, { name: 'a', seed: 1 }), makeRun(2, { name: 'b', seed: 2 }), makeRun(3, { name: 'c', pCot: 0.5 })];
const key = 'eval/sampled_long_share';
const series: MetricSeries[] = runs.map((r) => ({
  runId: r.id,
  key,
  x: [0, 300, 350, 400],
  y: [0.25, 0.25, 0.5, 0.9],
}));
const group: GroupSeries = {
  groupKey: runs[0].groupKey,
  runIds: [1, 2],
  key,
  x: [0, 300, 400],
  mean: [0.25, 0.25, 0.9],
  min: [0.2, 0.2, 0.85],
  max: [0.3, 0.3, 0.95],
  std: [0.05, 0.05, 0.05],
};
// The STaR overlay belongs to STaR runs with the end-to-end reward.
const starRuns = runs.map((r) => ({ ...r, config: { ...r.config, rl: { ...r.config.rl!, algorithm: 'star' as const, reward: 'end-to-end' as const } } }));
const base = { key, runs, series: indexSeries(series), band: 'minmax' as const, x: 'step' as const, smoothing: 0, theme: LIGHT_THEME, showThreshold: true, showStar: true };

describe('buildPanelSpec', () => {
  it('draws one line per run with its full name, phase marker and threshold', () => {
    const spec = buildPanelSpec(base);
    expect(spec.lines.map((l) => l.name)).toEqual(['a (#1)', 'b (#2)', 'c (#3)']);
    expect(spec.phaseBoundaries).toEqual([300]);
    expect(spec.threshold?.y).toBeCloseTo(1 / 3, 12);
    expect(spec.percent).toBe(true);
  });

  it('adds the STaR recursion from each run’s long share at the RL start', () => {
    const spec = buildPanelSpec({ ...base, runs: starRuns });
    expect(spec.overlays).toHaveLength(3);
    const o = spec.overlays![0];
    expect(o.points[0]).toEqual([300, 0.25]);
    expect(o.points[1][1]).toBeCloseTo(0.4, 12);
    expect(o.points.at(-1)![0]).toBe(400);
  });

  it('draws a seed group as mean with a band, singletons as plain lines', () => {
    const spec = buildPanelSpec({ ...base, groups: [group], showStar: false });
    expect(spec.lines).toHaveLength(2);
    expect(spec.lines[0].band).toEqual({ lower: group.min, upper: group.max });
    expect(spec.lines[0].name).toMatch(/2 seeds/);
    expect(spec.lines[1].name).toBe('c (#3)');
    const std = buildPanelSpec({ ...base, groups: [group], band: 'std' });
    expect(std.lines[0].band!.upper[2]).toBeCloseTo(0.95, 12);
  });

  it('drops the phase marker on the wall-time axis and the threshold on other metrics', () => {
    const spec = buildPanelSpec({ ...base, key: 'loss', x: 'wall' });
    expect(spec.phaseBoundaries).toEqual([]);
    expect(spec.threshold).toBeUndefined();
    expect(spec.lines).toHaveLength(0);
  });

  it('marks a branched run’s RL start at its first logged step', () => {
    const branched = makeRun(9, { name: 'branch', algorithm: 'star' });
    (branched.config as unknown as { ntp: { steps: number }; rl: Record<string, unknown> }).ntp.steps = 0;
    (branched.config as unknown as { rl: Record<string, unknown> }).rl.fromCheckpoint = { runId: 1, checkpointId: 2 };
    const s: MetricSeries = { runId: 9, key, x: [40, 41, 42], y: [0.25, 0.4, 0.6] };
    const spec = buildPanelSpec({ ...base, runs: [branched], series: indexSeries([s]) });
    expect(spec.phaseBoundaries).toEqual([40]);
    expect(spec.overlays![0].points[0]).toEqual([40, 0.25]);
  });

  it('draws the STaR recursion only over STaR runs with the end-to-end reward', () => {
    const mixed = [starRuns[0], runs[1], { ...starRuns[2], config: { ...starRuns[2].config, rl: { ...starRuns[2].config.rl!, reward: 'chain' as const } } }];
    const spec = buildPanelSpec({ ...base, runs: mixed });
    expect(spec.overlays!.map((o) => o.name)).toEqual(['STaR 2p/(1+p) from a (#1)']);
    expect(buildPanelSpec(base).overlays).toEqual([]);
  });

  it('draws no recursion for one-step STaR (one gradient step per RL step is not a round)', () => {
    const oneStep = starRuns.map((r) => ({ ...r, config: { ...r.config, rl: { ...r.config.rl!, star: starSchema.parse({ mode: 'one-step' }) } } }));
    expect(buildPanelSpec({ ...base, runs: oneStep }).overlays).toEqual([]);
    const rounds = starRuns.map((r) => ({ ...r, config: { ...r.config, rl: { ...r.config.rl!, star: starSchema.parse({ mode: 'rounds' }) } } }));
    expect(buildPanelSpec({ ...base, runs: rounds }).overlays).toHaveLength(3);
  });

  it('starts an RL-only metric’s x axis at its data, without the NTP | RL divider', () => {
    const reward: MetricSeries[] = runs.map((r) => ({ runId: r.id, key: 'reward', x: [301, 350, 400], y: [0.5, 0.7, 0.9] }));
    const spec = buildPanelSpec({ ...base, key: 'reward', series: indexSeries(reward) });
    expect(spec.xFromData).toBe(true);
    expect(spec.phaseBoundaries).toEqual([]);
    expect(buildPanelSpec(base).xFromData).toBe(false);
  });

  it('hides lines without moving the colours of the others', () => {
    const all = buildPanelSpec({ ...base, showStar: false });
    const some = buildPanelSpec({ ...base, showStar: false, hidden: new Set(['2']) });
    expect(some.lines.map((l) => l.name)).toEqual(['a (#1)', 'c (#3)']);
    expect(some.lines[1].color).toBe(all.lines[2].color);
  });
});

/** Hue angle of `#rrggbb`, to check that a group's seeds are shades of one hue. */
function hueOf(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

describe('unitColors', () => {
  // 12 seed groups of 3 seeds: 36 lines when seeds are drawn one by one.
  const many = Array.from({ length: 36 }, (_, i) => makeRun(i + 1, { pCot: Math.floor(i / 3) / 100, seed: i % 3 }));

  it('gives 36 seeds of 12 groups 36 distinct colours, one hue per group and a shade per seed', () => {
    const colors = unitColors(lineUnits(many, key, null), LIGHT_THEME);
    expect(new Set(colors).size).toBe(36);
    for (let g = 0; g < 12; g++) {
      const hues = colors.slice(g * 3, g * 3 + 3).map(hueOf);
      // Within rounding to 8-bit channels (circular distance).
      for (const h of hues) expect(Math.min(Math.abs(h - hues[0]), 360 - Math.abs(h - hues[0]))).toBeLessThan(4);
      // The middle seed carries the group's own colour, the same one the group has when grouped.
      expect(colors[g * 3 + 1]).toBe(colorFor(g, LIGHT_THEME));
    }
    // Groups beyond the ten palette hues still get hues of their own.
    expect(hueOf(colors[10 * 3 + 1])).not.toBeCloseTo(hueOf(colors[11 * 3 + 1]), 0);
  });

  it('gives each seed group one colour when grouped, and each lone run its own hue', () => {
    const grouped = unitColors(lineUnits(many, key, []), LIGHT_THEME);
    expect(grouped).toEqual(Array.from({ length: 12 }, (_, g) => colorFor(g, LIGHT_THEME)));
    const lone = Array.from({ length: 30 }, (_, i) => makeRun(i + 1, { pCot: i / 100 }));
    expect(new Set(unitColors(lineUnits(lone, key, null), LIGHT_THEME)).size).toBe(30);
  });

  it('draws 30 runs in 30 colours, none dashed, colours kept when a line is hidden', () => {
    const lone = Array.from({ length: 30 }, (_, i) => makeRun(i + 1, { pCot: i / 100 }));
    const s = lone.map((r) => ({ runId: r.id, key, x: [0, 1], y: [0, 1] }));
    const spec = buildPanelSpec({ ...base, runs: lone, series: indexSeries(s) });
    expect(new Set(spec.lines.map((l) => l.color)).size).toBe(30);
    expect(spec.lines.some((l) => l.dashed)).toBe(false);
    const hidden = buildPanelSpec({ ...base, runs: lone, series: indexSeries(s), hidden: new Set(['1']) });
    expect(hidden.lines.map((l) => l.color)).toEqual(spec.lines.slice(1).map((l) => l.color));
  });
});

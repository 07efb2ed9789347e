// Turns runs and their series into one chart per metric, the same way in the compare view and in
// the HTML report: one line per run, or per seed group (mean with a band), reference lines and
// theory overlays where the metric calls for them.
import type { GroupSeries, MetricSeries, RunSummary } from '../runs';
import { colorFor, type ChartLine, type ChartOverlay, type ChartSpec, type ChartTheme } from './chart-options';
import { groupRuns } from '../grouping';
import { metricInfo } from './metric-catalog';
import { runLabel } from '../run-fields';
import { getPath } from '../config-paths';
import { branchStart, phaseBoundary, seriesId, uniqueBoundaries, valueAt, X_LABELS, type XAxisKind } from './series';
import { LONG_SHARE_THRESHOLD, starOverlay } from './theory';
import { branchReferences, xExtent } from './branch-references';

export interface PanelInput {
  key: string;
  runs: readonly RunSummary[];
  series: ReadonlyMap<string, MetricSeries>;
  /** Present when seeds are grouped: groups with 2+ runs draw as mean and band. */
  groups?: readonly GroupSeries[] | null;
  band: 'minmax' | 'std';
  x: XAxisKind;
  smoothing: number;
  theme: ChartTheme;
  showThreshold: boolean;
  showStar: boolean;
  legend?: boolean;
  /** Unit ids (run id or `g:<groupKey>`) hidden by the user; colours stay where they were. */
  hidden?: ReadonlySet<string>;
  markX?: number | null;
}

/** A line-drawing unit: one run, or a group of seeds. Colours follow the unit's seed group (`unitColors`). */
export interface LineUnit {
  id: string;
  label: string;
  runs: RunSummary[];
  group: GroupSeries | null;
}

export function lineUnits(runs: readonly RunSummary[], key: string, groups?: readonly GroupSeries[] | null): LineUnit[] {
  if (!groups) return runs.map((r) => ({ id: String(r.id), label: runLabel(r), runs: [r], group: null }));
  return groupRuns(runs).map((g) => {
    const gs = g.runs.length > 1 ? (groups.find((s) => s.groupKey === g.groupKey && s.key === key) ?? null) : null;
    return g.runs.length > 1
      ? { id: `g:${g.groupKey}`, label: g.label, runs: g.runs, group: gs }
      : { id: String(g.runs[0].id), label: runLabel(g.runs[0]), runs: g.runs, group: null };
  });
}

/** Positions of the units whose name (or a seed's run name) contains `text`, case-insensitively. */
export function matchingUnits(units: readonly LineUnit[], text: string): number[] {
  const q = text.trim().toLowerCase();
  const out: number[] = [];
  units.forEach((u, i) => {
    if (!q || u.label.toLowerCase().includes(q) || u.runs.some((r) => runLabel(r).toLowerCase().includes(q))) out.push(i);
  });
  return out;
}

/**
 * One colour per unit: a hue per seed group (a grouped unit, or the runs sharing a group key when
 * seeds are drawn one by one), a shade per seed within it. Hues follow first appearance.
 */
export function unitColors(units: readonly LineUnit[], theme: ChartTheme): string[] {
  const family = new Map<string, { hue: number; size: number }>();
  for (const u of units) {
    const key = u.runs[0]?.groupKey ?? u.id;
    const f = family.get(key);
    if (f) f.size++;
    else family.set(key, { hue: family.size, size: 1 });
  }
  const seen = new Map<string, number>();
  return units.map((u) => {
    const key = u.runs[0]?.groupKey ?? u.id;
    const f = family.get(key)!;
    const shade = seen.get(key) ?? 0;
    seen.set(key, shade + 1);
    return colorFor(f.hue, theme, shade, f.size);
  });
}

export function buildPanelSpec(input: PanelInput): ChartSpec {
  const info = metricInfo(input.key);
  const units = lineUnits(input.runs, input.key, input.groups);
  const lines: ChartLine[] = [];
  const overlays: ChartOverlay[] = [];
  const colors = unitColors(units, input.theme);
  units.forEach((unit, i) => {
    if (input.hidden?.has(unit.id)) return;
    const color = colors[i];
    let xs: number[];
    let ys: number[];
    let band: ChartLine['band'];
    if (unit.group) {
      xs = unit.group.x;
      ys = unit.group.mean;
      band = input.band === 'minmax' ? { lower: unit.group.min, upper: unit.group.max } : stdBand(unit.group);
    } else {
      const s = input.series.get(seriesId(unit.runs[0].id, input.key));
      if (!s) return;
      xs = s.x;
      ys = s.y;
    }
    lines.push({ id: unit.id, name: unit.label, color, x: xs, y: ys, band });

    if (input.showStar && info.longShare && input.x === 'step' && followsStarRecursion(unit.runs[0].config) && overlays.length < 6) {
      const boundary = phaseBoundary(unit.runs[0].config, 'step') ?? branchStart(unit.runs[0].config, [{ x: xs }]);
      const p0 = boundary == null ? null : valueAt({ x: xs, y: ys }, boundary);
      const end = xs[xs.length - 1];
      if (boundary != null && p0 != null && end > boundary) {
        overlays.push({ name: `STaR 2p/(1+p) from ${unit.label}`, points: starOverlay(p0, boundary, end, 1), color });
      }
    }
  });
  const branch = branchReferences(info, input.runs.map((r) => r.config), xExtent(lines), (i) => colorFor(i, input.theme));
  overlays.push(...(branch.overlays ?? []));
  return {
    title: info.label,
    xLabel: X_LABELS[input.x],
    percent: info.percent,
    lines,
    smoothing: input.smoothing,
    // An RL-only metric's chart is all RL: its axis starts at the RL start and needs no divider.
    xFromData: info.rlOnly,
    phaseBoundaries: info.rlOnly ? [] : uniqueBoundaries(
      input.runs.map((r) => {
        const s = input.series.get(seriesId(r.id, input.key));
        return phaseBoundary(r.config, input.x) ?? (input.x === 'step' && s ? branchStart(r.config, [s]) : null);
      }),
    ),
    threshold: info.longShare && input.showThreshold ? { y: LONG_SHARE_THRESHOLD, label: '1/3 threshold' } : branch.threshold,
    overlays,
    markX: input.markX,
    theme: input.theme,
    legend: input.legend,
  };
}

/** The 2p/(1+p) recursion is STaR's in rounds with the end-to-end reward (SCIENCE.md); other RL (and one-step STaR) has no such law. */
export function followsStarRecursion(config: unknown): boolean {
  return (
    getPath(config, 'rl.algorithm') === 'star' &&
    (getPath(config, 'rl.reward') ?? 'end-to-end') === 'end-to-end' &&
    (getPath(config, 'rl.star.mode') ?? 'rounds') === 'rounds'
  );
}

function stdBand(g: GroupSeries): { lower: number[]; upper: number[] } {
  return { lower: g.mean.map((m, i) => m - g.std[i]), upper: g.mean.map((m, i) => m + g.std[i]) };
}

// Metric versus hyperparameter, the paper's central figure (final greedy accuracy against p_cot,
// for NTP alone and NTP -> RL): runs become points (one per x value and line), seeds of a point
// are aggregated to a mean with min-max or ±1 std error bars. Pure, so the compare app and the
// HTML report draw the same figure.
import type { EChartsOption, SeriesOption } from 'echarts';
import { getPath, formatScalar, type Scalar } from '../config-paths';
import { colorFor, type ChartTheme } from './chart-options';
import { metricInfo } from './metric-catalog';
import { LONG_SHARE_THRESHOLD } from './theory';

/** One run's values of one metric, as the `metrics/points` method returns them. */
export interface RunMetricPoint {
  runId: number;
  key: string;
  /** Last logged value (and its step); null when the metric was never logged. */
  last: number | null;
  lastStep: number | null;
  /** Best value by the metric's direction (max of an accuracy, min of a loss); null for 'none'. */
  best: number | null;
  bestStep: number | null;
  /** Last value logged in the NTP phase, and in the RL phase. */
  ntpLast: number | null;
  rlLast: number | null;
  /** The value in force at the requested step (last at or before it); null without a step. */
  atStep: number | null;
}

export type HyperAt = 'end' | 'best' | 'step';
export type ErrorBars = 'minmax' | 'std';
/** One line per value of a config key, per phase (after NTP, after RL), or one line. */
export const LINE_BY_PHASE = 'phase';

export interface HyperparamQuery {
  metric: string;
  /** Dotted config path on the x axis, e.g. `task.p_cot`. */
  x: string;
  /** Dotted config path, `phase`, or '' for a single line. */
  lineBy: string;
  at: HyperAt;
  step: number | null;
  bars: ErrorBars;
}

export const DEFAULT_HYPERPARAM_QUERY: HyperparamQuery = {
  metric: 'eval/greedy_accuracy',
  x: 'task.p_cot',
  lineBy: LINE_BY_PHASE,
  at: 'end',
  step: null,
  bars: 'minmax',
};

export interface HyperPoint {
  x: Scalar;
  mean: number;
  lower: number;
  upper: number;
  std: number;
  runIds: number[];
}

export interface HyperLine {
  name: string;
  points: HyperPoint[];
}

export interface HyperparamData {
  lines: HyperLine[];
  /** x values are all numbers: a value axis; otherwise categories in sorted order. */
  numericX: boolean;
  categories: string[];
  /** Runs without a value for the chosen metric and moment, or without the x key. */
  skipped: number[];
}

interface RunLike {
  id: number;
  config: unknown;
}

const PHASE_LINES = [
  { name: 'after NTP', pick: (p: RunMetricPoint) => p.ntpLast },
  { name: 'after RL', pick: (p: RunMetricPoint) => p.rlLast },
] as const;

function valueOf(p: RunMetricPoint, q: HyperparamQuery): number | null {
  if (q.at === 'best') return p.best;
  if (q.at === 'step') return p.atStep;
  return p.last;
}

const asScalar = (v: unknown): Scalar | undefined =>
  v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : undefined;

/** Groups runs into points; several runs on one point (seeds) are aggregated. */
export function hyperparamData(runs: readonly RunLike[], points: ReadonlyMap<number, RunMetricPoint>, q: HyperparamQuery): HyperparamData {
  const byLine = new Map<string, Map<string, { x: Scalar; values: number[]; runIds: number[] }>>();
  const skipped: number[] = [];
  const add = (line: string, x: Scalar, value: number, runId: number) => {
    let cells = byLine.get(line);
    if (!cells) byLine.set(line, (cells = new Map()));
    const id = JSON.stringify(x);
    let cell = cells.get(id);
    if (!cell) cells.set(id, (cell = { x, values: [], runIds: [] }));
    cell.values.push(value);
    cell.runIds.push(runId);
  };
  for (const run of runs) {
    const x = asScalar(getPath(run.config, q.x));
    const p = points.get(run.id);
    if (x === undefined || !p) {
      skipped.push(run.id);
      continue;
    }
    let used = false;
    if (q.lineBy === LINE_BY_PHASE) {
      for (const phase of PHASE_LINES) {
        const v = phase.pick(p);
        if (v != null && Number.isFinite(v)) (add(phase.name, x, v, run.id), (used = true));
      }
    } else {
      const v = valueOf(p, q);
      const lineValue = q.lineBy ? asScalar(getPath(run.config, q.lineBy)) : undefined;
      if (v != null && Number.isFinite(v) && (!q.lineBy || lineValue !== undefined)) {
        add(q.lineBy ? `${q.lineBy.split('.').pop()}=${formatScalar(lineValue ?? null)}` : metricInfo(q.metric).label, x, v, run.id);
        used = true;
      }
    }
    if (!used) skipped.push(run.id);
  }

  const allX = [...byLine.values()].flatMap((cells) => [...cells.values()].map((c) => c.x));
  const numericX = allX.length > 0 && allX.every((x) => typeof x === 'number');
  const categories = numericX ? [] : [...new Set(allX.map((x) => formatScalar(x)))].sort(compareScalarText);
  const order = (a: Scalar, b: Scalar) => (numericX ? (a as number) - (b as number) : compareScalarText(formatScalar(a), formatScalar(b)));
  const lineOrder = (a: string, b: string) => (q.lineBy === LINE_BY_PHASE ? 0 : compareScalarText(a, b));
  const lines = [...byLine.entries()]
    .sort(([a], [b]) => lineOrder(a, b))
    .map(([name, cells]) => ({
      name,
      points: [...cells.values()].sort((a, b) => order(a.x, b.x)).map((c) => aggregate(c.x, c.values, c.runIds, q.bars)),
    }));
  return { lines, numericX, categories, skipped };
}

function compareScalarText(a: string, b: string): number {
  const na = Number(a.replace(/^.*=/, ''));
  const nb = Number(b.replace(/^.*=/, ''));
  return Number.isFinite(na) && Number.isFinite(nb) && na !== nb ? na - nb : a.localeCompare(b);
}

/** Mean of the seeds with min-max or ±1 (population) std bars. */
export function aggregate(x: Scalar, values: readonly number[], runIds: number[], bars: ErrorBars): HyperPoint {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  const lower = bars === 'minmax' ? Math.min(...values) : mean - std;
  const upper = bars === 'minmax' ? Math.max(...values) : mean + std;
  return { x, mean, lower, upper, std, runIds };
}

export interface HyperparamSpec {
  data: HyperparamData;
  query: HyperparamQuery;
  theme: ChartTheme;
  title?: string;
  legend?: boolean;
}

/** Where the figure draws the paper's 1/3: at x = 1/3 on a p_cot axis, at y = 1/3 for a long share. */
export function thresholdLines(q: HyperparamQuery, numericX: boolean): { x: number | null; y: number | null } {
  return {
    x: numericX && q.x === 'task.p_cot' ? LONG_SHARE_THRESHOLD : null,
    y: metricInfo(q.metric).longShare ? LONG_SHARE_THRESHOLD : null,
  };
}

export function hyperparamTitle(q: HyperparamQuery): string {
  const at = q.lineBy === LINE_BY_PHASE ? 'at the end of each phase' : q.at === 'best' ? 'best' : q.at === 'step' ? `at step ${q.step ?? '—'}` : 'at the end';
  return `${metricInfo(q.metric).label} (${at}) vs ${q.x}`;
}

export function hyperparamLineNames(spec: Pick<HyperparamSpec, 'data' | 'query'>): string[] {
  const t = thresholdLines(spec.query, spec.data.numericX);
  return [...spec.data.lines.map((l) => l.name), ...(t.x != null || t.y != null ? ['1/3 threshold'] : [])];
}

export function buildHyperparamOption(spec: HyperparamSpec): EChartsOption {
  const { data, query: q, theme } = spec;
  const info = metricInfo(q.metric);
  const xOf = (x: Scalar) => (data.numericX ? (x as number) : data.categories.indexOf(formatScalar(x)));
  const series: SeriesOption[] = [];
  data.lines.forEach((line, i) => {
    const color = colorFor(i, theme);
    series.push({
      type: 'line',
      id: `hp:${line.name}`,
      name: line.name,
      data: line.points.map((p) => [xOf(p.x), p.mean, p.lower, p.upper, p.runIds.length]),
      symbol: 'circle',
      symbolSize: 7,
      z: 3,
      lineStyle: { width: 1.75, color },
      itemStyle: { color },
    });
    series.push(errorBarSeries(line, i, color, xOf));
  });
  const t = thresholdLines(q, data.numericX);
  const marks: object[] = [];
  if (t.x != null) marks.push({ xAxis: t.x, label: { formatter: 'p_cot = 1/3', position: 'insideEndTop', color: theme.muted, fontSize: 10 } });
  if (t.y != null) marks.push({ yAxis: t.y, label: { formatter: '1/3 threshold', position: 'insideEndTop', color: theme.muted, fontSize: 10 } });
  if (marks.length) {
    series.push({
      type: 'line',
      id: '__threshold',
      name: '1/3 threshold',
      data: [],
      silent: true,
      markLine: { silent: true, symbol: 'none', animation: false, lineStyle: { type: 'dotted', color: theme.muted, width: 1 }, data: marks },
    } as SeriesOption);
  }
  const fmt = (v: number) => (info.percent ? `${(v * 100).toFixed(1)}%` : Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
  const names = data.lines.map((l) => l.name);
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', color: theme.text },
    title: { text: spec.title ?? hyperparamTitle(q), left: 8, top: 4, textStyle: { fontSize: 13, fontWeight: 600, color: theme.text } },
    grid: { left: 56, right: 24, top: 36, bottom: spec.legend ? 70 : 44 },
    legend: spec.legend
      ? { bottom: 0, left: 8, data: names, textStyle: { color: theme.text, fontSize: 11 }, itemWidth: 16, itemHeight: 8 }
      : { show: false, data: names },
    tooltip: {
      trigger: 'item',
      confine: true,
      backgroundColor: theme.tooltipBg,
      borderColor: theme.axis,
      textStyle: { color: theme.text, fontSize: 11 },
      formatter: (raw: unknown) => {
        const p = raw as { seriesName?: string; value?: number[] };
        const v = p.value ?? [];
        const x = data.numericX ? v[0] : data.categories[v[0] as number];
        return `${esc(p.seriesName ?? '')}<br>${esc(q.x)} = ${esc(String(x))}<br>mean ${fmt(v[1])} · ${q.bars === 'minmax' ? 'min–max' : '±1 std'} ${fmt(v[2])} – ${fmt(v[3])} · ${v[4]} run${v[4] === 1 ? '' : 's'}`;
      },
    },
    xAxis: data.numericX
      ? {
          type: 'value',
          name: q.x,
          nameLocation: 'middle',
          nameGap: 26,
          scale: true,
          nameTextStyle: { color: theme.muted, fontSize: 11 },
          axisLine: { lineStyle: { color: theme.axis } },
          axisLabel: { color: theme.muted, fontSize: 11 },
          splitLine: { show: false },
        }
      : {
          type: 'category',
          data: data.categories,
          name: q.x,
          nameLocation: 'middle',
          nameGap: 26,
          nameTextStyle: { color: theme.muted, fontSize: 11 },
          axisLabel: { color: theme.muted, fontSize: 11 },
        },
    yAxis: {
      type: 'value',
      ...(info.percent ? { min: 0, max: 1 } : { scale: true }),
      name: info.label,
      nameTextStyle: { color: theme.muted, fontSize: 11 },
      axisLabel: { color: theme.muted, fontSize: 11, ...(info.percent ? { formatter: (v: number) => `${Math.round(v * 100)}%` } : {}) },
      splitLine: { lineStyle: { color: theme.grid } },
    },
    series,
  };
}

/** Vertical bars with caps from lower to upper, one per point. */
function errorBarSeries(line: HyperLine, index: number, color: string, xOf: (x: Scalar) => number): SeriesOption {
  return {
    type: 'custom',
    id: `hp:${line.name}:bars`,
    name: line.name,
    silent: true,
    z: 2,
    itemStyle: { color },
    tooltip: { show: false },
    encode: { x: 0, y: [1, 2] },
    data: line.points.map((p) => [xOf(p.x), p.lower, p.upper]),
    renderItem: (params, api) => {
      const x = api.value(0) as number;
      const lo = api.coord([x, api.value(1) as number]);
      const hi = api.coord([x, api.value(2) as number]);
      // Lines of one x sit side by side so their bars do not hide each other.
      const dx = (index % 2 === 0 ? 1 : -1) * Math.ceil(index / 2) * 3;
      const cap = 4;
      const style = { stroke: color, lineWidth: 1.25 };
      return {
        type: 'group',
        children: [
          { type: 'line', shape: { x1: lo[0] + dx, y1: lo[1], x2: hi[0] + dx, y2: hi[1] }, style },
          { type: 'line', shape: { x1: lo[0] + dx - cap, y1: lo[1], x2: lo[0] + dx + cap, y2: lo[1] }, style },
          { type: 'line', shape: { x1: hi[0] + dx - cap, y1: hi[1], x2: hi[0] + dx + cap, y2: hi[1] }, style },
        ],
      };
    },
  } as SeriesOption;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// One ECharts option builder for every chart, in the app (canvas) and in the HTML report
// (server-side SVG). Pure: no DOM, so the report renders from Node.
import type { EChartsOption, LineSeriesOption, SeriesOption } from 'echarts';
import { ema } from './smoothing';
import { niceCeil, niceFloor } from './axis';
import { bandBundleSeries, bundleSeries, drawable, valuesAt, type BundledBand, type BundledLine } from './line-bundle';

export interface ChartTheme {
  dark: boolean;
  text: string;
  muted: string;
  grid: string;
  axis: string;
  tooltipBg: string;
  /** The first ten hues; `colorFor` goes on with golden-angle hues after that, so none repeats. */
  palette: string[];
}

// Tableau 10, slightly adjusted per background for contrast.
export const LIGHT_THEME: ChartTheme = {
  dark: false,
  text: '#1f2328',
  muted: '#6e7781',
  grid: '#eaeef2',
  axis: '#d0d7de',
  tooltipBg: '#ffffff',
  palette: ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#79706e'],
};

export const DARK_THEME: ChartTheme = {
  dark: true,
  text: '#e6edf3',
  muted: '#8b949e',
  grid: '#21262d',
  axis: '#30363d',
  tooltipBg: '#161b22',
  palette: ['#6b9bd1', '#ffa64d', '#ff7b7d', '#8fd3cd', '#7cc26f', '#f5d76e', '#c99bc0', '#ffb8c1', '#bf9a82', '#a8a29f'],
};

/**
 * Hue `index` (the palette first, then golden-angle hues that never repeat), in shade `shade` of
 * `shades`: the members of one family (seeds of one group) run from darker to lighter around it.
 */
export function colorFor(index: number, theme: ChartTheme, shade = 0, shades = 1): string {
  const base = index < theme.palette.length ? hexToRgb(theme.palette[index]) : hslToRgb((index * 137.508) % 360, 0.6, theme.dark ? 0.65 : 0.45);
  if (shades <= 1) return rgbToHex(base);
  // -1 (darkest) .. +1 (lightest); wide enough apart to tell six seeds apart, never black or white.
  const t = (2 * shade) / (shades - 1) - 1;
  const mix = (c: number): number => (t < 0 ? c * (1 + 0.45 * t) : c + (255 - c) * 0.55 * t);
  return rgbToHex(base.map(mix) as [number, number, number]);
}

function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function rgbToHex(rgb: readonly number[]): string {
  return '#' + rgb.map((c) => Math.round(Math.min(255, Math.max(0, c))).toString(16).padStart(2, '0')).join('');
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    return 255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
  };
  return [f(0), f(8), f(4)];
}

export interface ChartLine {
  /** Stable id (run id or group key); names may repeat across panels, ids may not repeat within one. */
  id: string;
  /** Full name as shown in legends and tooltips. */
  name: string;
  color: string;
  x: number[];
  y: number[];
  /** Seed-group band (min-max or ±std) drawn under the line. */
  band?: { lower: number[]; upper: number[] };
  dashed?: boolean;
}

export interface ChartOverlay {
  name: string;
  points: [number, number][];
  color: string;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  percent?: boolean;
  lines: ChartLine[];
  /** EMA weight in [0, 1); above 0 the raw curve is drawn faded underneath. */
  smoothing: number;
  phaseBoundaries?: number[];
  /** A horizontal reference line, e.g. the 1/3 threshold on long-share charts. */
  threshold?: { y: number; label: string };
  overlays?: ChartOverlay[];
  /** The summary table's "at step": a thin vertical line where its values are read. */
  markX?: number | null;
  /** Start the x axis where the data starts (RL-only metrics), not at 0. */
  xFromData?: boolean;
  /** End of the x axis, shared by the charts of one view; by default the data's end, rounded up. */
  xMax?: number;
  theme: ChartTheme;
  legend?: boolean;
  animation?: boolean;
  /** The app's charts: wheel and box zoom on x, a reset button. The report's SVG has none. */
  interactive?: boolean;
  /** Log y axis (loss-like metrics); values <= 0 are left out, a log axis cannot place them. */
  logY?: boolean;
  /** The data value under the pointer, where the chart knows it: the tooltip then lists the lines nearest it. */
  cursorY?: () => number | null;
  /** The x window of an interactive chart; null = the whole axis. */
  zoom?: [number, number] | null;
  /**
   * Line data as one Float64Array [x0, y0, x1, y1, ...] (gaps as NaN) instead of [x, y] pairs:
   * ECharts keeps a typed array as it is, where it deep-clones every pair on setOption and again
   * on merge. The app's canvas charts take it; the same lines, drawn the same way.
   */
  packed?: boolean;
}

/** Past this many lines a packed chart draws them as one custom series (line-bundle.ts). */
export const BUNDLE_LINES = 12;

const toPairs = (x: number[], y: number[], log = false) => x.map((xi, i) => [xi, drawable(y[i], log) ? y[i] : null]);

function toPacked(x: readonly number[], y: readonly number[], log: boolean): Float64Array {
  const out = new Float64Array(2 * x.length);
  for (let i = 0; i < x.length; i++) {
    const v = y[i];
    out[2 * i] = x[i];
    out[2 * i + 1] = drawable(v, log) ? v : Number.NaN;
  }
  return out;
}

/** A line's `data` (and the `dimensions` ECharts needs to read a typed array) in the spec's form. */
function lineData(spec: ChartSpec, x: number[], y: number[]): Pick<LineSeriesOption, 'data' | 'dimensions'> {
  return spec.packed
    ? { data: toPacked(x, y, spec.logY ?? false) as unknown as LineSeriesOption['data'], dimensions: ['x', 'y'] }
    : { data: toPairs(x, y, spec.logY) };
}

/** Names a reader sees for the chart's data lines (tests and accessible summaries use these). */
export function lineNames(spec: Pick<ChartSpec, 'lines' | 'overlays'>): string[] {
  return [...spec.lines.map((l) => l.name), ...(spec.overlays ?? []).map((o) => o.name)];
}

function bandSeries(line: ChartLine): SeriesOption {
  const band = line.band!;
  const n = line.x.length;
  // Data holds both edges so the axis extent covers the band; the polygon is drawn once.
  const data = [...line.x.map((x, i) => [x, band.lower[i]]), ...line.x.map((x, i) => [x, band.upper[i]])];
  return {
    type: 'custom',
    id: `${line.id}:band`,
    name: line.name,
    silent: true,
    z: 1,
    clip: true,
    // The legend takes its swatch from the first series of a name: make it the line's colour.
    itemStyle: { color: line.color },
    tooltip: { show: false },
    encode: { x: 0, y: 1 },
    data,
    renderItem: (params, api) => {
      if (params.dataIndex !== 0) return null;
      const pts: number[][] = [];
      for (let i = 0; i < n; i++) if (Number.isFinite(band.upper[i])) pts.push(api.coord([line.x[i], band.upper[i]]));
      for (let i = n - 1; i >= 0; i--) if (Number.isFinite(band.lower[i])) pts.push(api.coord([line.x[i], band.lower[i]]));
      return { type: 'polygon', shape: { points: pts }, style: { fill: line.color, opacity: 0.18 } };
    },
  } as SeriesOption;
}

export function buildChartOption(spec: ChartSpec): EChartsOption {
  const { theme, smoothing } = spec;
  const smooth = smoothing > 0;
  const many = spec.lines.length > BUNDLE_LINES;
  // Past a few dozen lines the faded raw curves are noise and double the drawing work.
  const drawRaw = smooth && spec.lines.length <= 24;
  const series: SeriesOption[] = [];

  // Many lines in the app (packed) draw as one series each for the main and the raw curves.
  const bundled = spec.packed === true && many;
  const mains: BundledLine[] = [];
  const raws: BundledLine[] = [];
  const bands: BundledBand[] = [];
  for (const line of spec.lines) {
    if (line.band && !spec.logY) {
      if (bundled) bands.push({ color: line.color, x: line.x, ...line.band });
      else series.push(bandSeries(line));
    }
    const y = smooth ? ema(line.y, smoothing) : line.y;
    if (bundled) {
      if (drawRaw) raws.push({ id: line.id, name: line.name, color: line.color, x: line.x, y: line.y, width: 1, opacity: 0.22 });
      // 1 px, not 1.25: Skia strokes lines at most a pixel wide as hairlines, several times faster.
      mains.push({ id: line.id, name: line.name, color: line.color, x: line.x, y, width: 1, dashed: line.dashed });
      continue;
    }
    if (drawRaw) {
      series.push({
        type: 'line',
        id: `${line.id}:raw`,
        name: line.name,
        ...lineData(spec, line.x, line.y),
        showSymbol: false,
        silent: true,
        z: 2,
        lineStyle: { width: 1, color: line.color, opacity: 0.22 },
        itemStyle: { color: line.color },
        emphasis: { disabled: true },
      });
    }
    series.push({
      type: 'line',
      id: `${line.id}:main`,
      name: line.name,
      ...lineData(spec, line.x, y),
      showSymbol: line.x.length <= 2,
      symbolSize: 5,
      z: 3,
      lineStyle: { width: many ? 1.25 : 1.75, color: line.color, type: line.dashed ? 'dashed' : 'solid' },
      itemStyle: { color: line.color },
      // Hover emphasis redraws every line: off when there are many.
      emphasis: { disabled: many },
    });
  }

  if (bands.length) series.push(bandBundleSeries('lines:bands', bands));
  if (raws.length) series.push(bundleSeries('lines:bundle-raw', raws, spec.logY ?? false, 2));
  if (mains.length) series.push(bundleSeries('lines:bundle', mains, spec.logY ?? false, 3));

  for (const overlay of spec.overlays ?? []) {
    series.push({
      type: 'line',
      id: `overlay:${overlay.name}`,
      name: overlay.name,
      data: overlay.points,
      showSymbol: false,
      z: 4,
      lineStyle: { width: 1.5, type: [4, 3], color: overlay.color },
      itemStyle: { color: overlay.color },
    });
  }

  // Reference lines ride on a data-less series so hiding a run never hides them.
  const markData: object[] = [];
  for (const x of spec.phaseBoundaries ?? []) {
    markData.push({ xAxis: x, label: { formatter: 'NTP │ RL', position: 'insideEndTop', color: theme.muted, fontSize: 10 } });
  }
  if (spec.markX != null) {
    markData.push({
      xAxis: spec.markX,
      label: { formatter: `@${spec.markX}`, position: 'insideEndBottom', color: theme.text, fontSize: 10 },
      lineStyle: { type: 'solid', color: theme.text, opacity: 0.45 },
    });
  }
  if (spec.threshold) {
    markData.push({
      yAxis: spec.threshold.y,
      label: { formatter: spec.threshold.label, position: 'insideEndTop', color: theme.muted, fontSize: 10 },
      lineStyle: { type: 'dotted', color: theme.muted },
    });
  }
  if (markData.length) {
    series.push({
      type: 'line',
      id: '__reference',
      data: [],
      silent: true,
      markLine: { silent: true, symbol: 'none', animation: false, lineStyle: { type: 'dashed', color: theme.muted, width: 1 }, data: markData },
    } as SeriesOption);
  }

  const pct = (v: number) => `${Math.round(v * 100)}%`;
  const legendNames = lineNames(spec);
  return {
    animation: spec.animation ?? false,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', color: theme.text },
    title: { text: spec.title, left: 8, top: 4, textStyle: { fontSize: 13, fontWeight: 600, color: theme.text } },
    grid: { left: 52, right: 18, top: 34, bottom: spec.legend ? 70 : 40, containLabel: false },
    legend: spec.legend
      ? { type: 'scroll', bottom: 0, left: 8, right: 8, data: legendNames, textStyle: { color: theme.text, fontSize: 11 }, pageTextStyle: { color: theme.muted }, itemWidth: 16, itemHeight: 8, itemGap: 18 }
      : { show: false, data: legendNames },
    tooltip: {
      trigger: 'axis',
      confine: true,
      backgroundColor: theme.tooltipBg,
      borderColor: theme.axis,
      textStyle: { color: theme.text, fontSize: 11 },
      axisPointer: { type: 'line', lineStyle: { color: theme.muted, width: 1 } },
      formatter: (raw: unknown) => {
        // The bundle's lines are one series to ECharts: their rows come from the lines themselves.
        const params = Array.isArray(raw) ? (raw as TooltipParam[]) : [raw as TooltipParam];
        const at = params[0]?.axisValue;
        const rows = bundled && typeof at === 'number' ? [...params, ...valuesAt(mains, at, spec.logY ?? false)] : params;
        return tooltipHtml(rows, spec.xLabel, spec.percent ?? false, spec.cursorY?.() ?? null);
      },
    },
    ...(spec.interactive
      ? {
          // filterMode 'none': zooming in must not drop the points just outside the window.
          dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none', ...(spec.zoom ? { startValue: spec.zoom[0], endValue: spec.zoom[1] } : { start: 0, end: 100 }) }],
          toolbox: {
            right: 8,
            top: 0,
            itemSize: 13,
            iconStyle: { borderColor: theme.muted },
            feature: { dataZoom: { yAxisIndex: 'none', title: { zoom: 'Box zoom', back: 'Undo zoom' } }, restore: { title: 'Reset zoom' } },
          },
        }
      : {}),
    xAxis: {
      type: 'value',
      name: spec.xLabel,
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: { color: theme.muted, fontSize: 11 },
      min: spec.xFromData ? (v: { min: number }) => niceFloor(v.min) : (v: { min: number }) => Math.min(0, v.min),
      max: spec.xMax ?? ((v: { max: number }) => niceCeil(v.max)),
      axisLine: { lineStyle: { color: theme.axis } },
      axisTick: { lineStyle: { color: theme.axis } },
      axisLabel: { color: theme.muted, fontSize: 11, hideOverlap: true },
      splitLine: { show: false },
    },
    yAxis: {
      type: spec.logY ? 'log' : 'value',
      ...(spec.logY ? {} : spec.percent ? { min: 0, max: 1 } : { scale: true }),
      axisLabel: { color: theme.muted, fontSize: 11, ...(spec.percent ? { formatter: pct } : {}) },
      axisLine: { show: false },
      splitLine: { lineStyle: { color: theme.grid } },
    },
    series,
  };
}

interface TooltipParam {
  seriesId?: string;
  seriesName?: string;
  color?: string;
  value?: unknown;
  axisValue?: number | string;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const TOOLTIP_ROWS = 12;

/**
 * Axis tooltip: main lines only, sorted by value, capped so 100 runs stay readable. With more
 * lines than rows and a known pointer value, the rows are the lines nearest the pointer.
 */
export function tooltipHtml(raw: unknown, xLabel: string, percent: boolean, cursorY: number | null = null): string {
  const params = (Array.isArray(raw) ? raw : [raw]) as TooltipParam[];
  const rows = params
    .filter((p) => p.seriesId && (p.seriesId.endsWith(':main') || p.seriesId.startsWith('overlay:')))
    .map((p) => ({ name: p.seriesName ?? '', color: p.color ?? '#888', y: Array.isArray(p.value) ? (p.value[1] as number | null) : null }))
    // Packed data marks a gap with NaN, pairs with null.
    .filter((r) => r.y != null && Number.isFinite(r.y))
    .sort((a, b) => (b.y as number) - (a.y as number));
  const x = params[0]?.axisValue ?? '';
  const fmt = (y: number) => (percent ? `${(y * 100).toFixed(1)}%` : Math.abs(y) >= 100 ? y.toFixed(0) : y.toPrecision(3));
  const nearest =
    cursorY != null && rows.length > TOOLTIP_ROWS
      ? [...rows].sort((a, b) => Math.abs((a.y as number) - cursorY) - Math.abs((b.y as number) - cursorY)).slice(0, TOOLTIP_ROWS)
      : rows.slice(0, TOOLTIP_ROWS);
  const shown = nearest.sort((a, b) => (b.y as number) - (a.y as number));
  const lines = shown.map(
    (r) =>
      // An SVG dot carries the colour as an attribute: the app's CSP forbids inline style attributes.
      `<div class="tt-row"><svg class="tt-dot" width="8" height="8" aria-hidden="true"><circle cx="4" cy="4" r="4" fill="${escapeHtml(r.color)}"/></svg><span class="tt-name">${escapeHtml(r.name)}</span><b>${fmt(r.y as number)}</b></div>`,
  );
  if (rows.length > shown.length) lines.push(`<div class="tt-more">${rows.length - shown.length} more hidden${cursorY != null ? ' (showing the nearest to the pointer)' : ''}</div>`);
  return `<div class="tt"><div class="tt-x">${escapeHtml(xLabel)} ${escapeHtml(String(typeof x === 'number' ? Math.round(x * 100) / 100 : x))}</div>${lines.join('')}</div>`;
}

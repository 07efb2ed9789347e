// Many lines drawn as one ECharts custom series. ECharts pays per series (a model, a data store,
// scheduler tasks, a view) far more than per point: 100 line series per chart cost hundreds of
// milliseconds per redraw, one series with 100 polylines a fraction of it. The axis tooltip still
// lists every line: it reads their values at the pointer's x from the lines themselves.
import type { CustomSeriesOption } from 'echarts';
import { FLAT_POLYLINE, flatPoints, type PixelMap } from './flat-polyline';

/** One line of the bundle: its data (y already smoothed) and how it is drawn. */
export interface BundledLine {
  id: string;
  name: string;
  color: string;
  x: readonly number[];
  y: readonly number[];
  width: number;
  opacity?: number;
  dashed?: boolean;
}

/** What the axis tooltip gets per series; the bundle's lines are handed to it in this form. */
export interface LineValue {
  seriesId: string;
  seriesName: string;
  color: string;
  value: [number, number];
}

/** Whether a point can be drawn (a log axis cannot place values at or below 0). */
export const drawable = (y: number, log: boolean): boolean => Number.isFinite(y) && (!log || y > 0);

/**
 * The bundle's data: items [x, lowest y, highest y] at the x values of its longest line and at the
 * ends of every line. It gives the axes their extent and the tooltip x values to snap to, and stays
 * as small as one line: ECharts diffs and visits every item. The lines are drawn from `lines`, once.
 */
export function bundleData(lines: readonly BundledLine[], log: boolean): [number, number, number][] {
  let lo = Infinity;
  let hi = -Infinity;
  let longest: readonly number[] = [];
  const xs = new Set<number>();
  for (const l of lines) {
    let any = false;
    for (const y of l.y) {
      if (!drawable(y, log)) continue;
      any = true;
      if (y < lo) lo = y;
      if (y > hi) hi = y;
    }
    if (!any) continue;
    if (l.x.length > longest.length) longest = l.x;
    xs.add(l.x[0]).add(l.x[l.x.length - 1]);
  }
  for (const x of longest) xs.add(x);
  return [...xs].sort((a, b) => a - b).map((x) => [x, lo, hi]);
}

/** Each line's runs of drawable points, as index ranges [start, end): gaps and log-hidden values split a line. */
export function segments(y: readonly number[], log: boolean): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= y.length; i++) {
    const ok = i < y.length && drawable(y[i], log);
    if (ok && start < 0) start = i;
    if (!ok && start >= 0) {
      out.push([start, i]);
      start = -1;
    }
  }
  return out;
}

/** Index of the point of sorted `x` nearest `at`. */
function nearestIndex(x: readonly number[], at: number): number {
  let lo = 0;
  let hi = x.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x[mid] < at) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && at - x[lo - 1] < x[lo] - at ? lo - 1 : lo;
}

/** Every line's value nearest `at`, for lines whose x range covers it, as tooltip rows' input. */
export function valuesAt(lines: readonly BundledLine[], at: number, log: boolean): LineValue[] {
  const out: LineValue[] = [];
  for (const l of lines) {
    if (l.x.length === 0 || at < l.x[0] || at > l.x[l.x.length - 1]) continue;
    const i = nearestIndex(l.x, at);
    if (drawable(l.y[i], log)) out.push({ seriesId: `${l.id}:main`, seriesName: l.name, color: l.color, value: [l.x[i], l.y[i]] });
  }
  return out;
}

/** The custom series drawing `lines`; `id` names it, `z` stacks it like the line series it replaces. */
export function bundleSeries(id: string, lines: readonly BundledLine[], log: boolean, z: number): CustomSeriesOption {
  const parts = lines.map((l) => segments(l.y, log));
  return {
    type: 'custom',
    id,
    silent: true,
    z,
    clip: true,
    encode: { x: 0, y: [1, 2], tooltip: [] },
    data: bundleData(lines, log),
    renderItem: (params, api) => {
      if (params.dataIndex !== 0) return null;
      // Value axes map data to pixels affinely: two coord() calls instead of one per point. A log
      // axis does not, so it asks per point.
      const o = api.coord([0, 0]);
      const u = api.coord([1, 1]);
      const [ox, oy, sx, sy] = [o[0], o[1], u[0] - o[0], u[1] - o[1]];
      const toPixel: PixelMap = log
        ? (x, y, out) => {
            const c = api.coord([x, y]);
            out[0] = c[0];
            out[1] = c[1];
          }
        : (x, y, out) => {
            out[0] = ox + x * sx;
            out[1] = oy + y * sy;
          };
      const children: object[] = [];
      lines.forEach((l, li) => {
        const style = { stroke: l.color, fill: null, lineWidth: l.width, opacity: l.opacity ?? 1, lineDash: l.dashed ? [4 * l.width, 2 * l.width] : null };
        for (const [start, end] of parts[li]) {
          const points = flatPoints(l.x, l.y, start, end, toPixel);
          // A lone point has no segment to stroke: a dot, as the line series draws a symbol.
          children.push(
            points.length === 2
              ? { type: 'circle', shape: { cx: points[0], cy: points[1], r: 2.5 }, style: { fill: l.color } }
              : { type: FLAT_POLYLINE, shape: { points }, style },
          );
        }
      });
      return { type: 'group', children } as ReturnType<NonNullable<CustomSeriesOption['renderItem']>>;
    },
  };
}

/** A seed group's band (min-max or ±std) around its line. */
export interface BundledBand {
  color: string;
  x: readonly number[];
  lower: readonly number[];
  upper: readonly number[];
}

/**
 * Every band as one custom series under the lines. Two data items carry the bands' extent; the
 * tooltip ignores the series (no snapping to its items), so nothing needs more.
 */
export function bandBundleSeries(id: string, bands: readonly BundledBand[]): CustomSeriesOption {
  let lo = Infinity;
  let hi = -Infinity;
  let x0 = Infinity;
  let x1 = -Infinity;
  for (const b of bands) {
    for (let i = 0; i < b.x.length; i++) {
      if (Number.isFinite(b.lower[i]) && b.lower[i] < lo) lo = b.lower[i];
      if (Number.isFinite(b.upper[i]) && b.upper[i] > hi) hi = b.upper[i];
    }
    if (b.x.length) {
      x0 = Math.min(x0, b.x[0]);
      x1 = Math.max(x1, b.x[b.x.length - 1]);
    }
  }
  return {
    type: 'custom',
    id,
    silent: true,
    z: 1,
    clip: true,
    tooltip: { show: false },
    encode: { x: 0, y: [1, 2] },
    data: Number.isFinite(lo) && Number.isFinite(x0) ? [[x0, lo, hi], [x1, lo, hi]] : [],
    renderItem: (params, api) => {
      if (params.dataIndex !== 0) return null;
      const children = bands.map((b) => {
        const pts: number[][] = [];
        for (let i = 0; i < b.x.length; i++) if (Number.isFinite(b.upper[i])) pts.push(api.coord([b.x[i], b.upper[i]]));
        for (let i = b.x.length - 1; i >= 0; i--) if (Number.isFinite(b.lower[i])) pts.push(api.coord([b.x[i], b.lower[i]]));
        return { type: 'polygon', shape: { points: pts }, style: { fill: b.color, opacity: 0.18 } };
      });
      return { type: 'group', children } as ReturnType<NonNullable<CustomSeriesOption['renderItem']>>;
    },
  };
}

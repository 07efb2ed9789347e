// Working with the store's downsampled series: each bucket is drawn as its extremes (two points).
import type { GroupSeries, MetricSeries } from '../runs';
import { getPath } from '../config-paths';

export type XAxisKind = 'step' | 'samples' | 'wall';

export const X_LABELS: Record<XAxisKind, string> = { step: 'step', samples: 'samples seen', wall: 'wall time (s)' };

export interface Point {
  x: number;
  y: number;
}

export const seriesId = (runId: number, key: string) => `${runId}:${key}`;

export function indexSeries(list: readonly MetricSeries[]): Map<string, MetricSeries> {
  return new Map(list.map((s) => [seriesId(s.runId, s.key), s]));
}

export function lastPoint(s: { x: number[]; y: number[] }): Point | null {
  for (let i = s.x.length - 1; i >= 0; i--) if (Number.isFinite(s.y[i])) return { x: s.x[i], y: s.y[i] };
  return null;
}

/** Best point; a downsampled spike still counts, since the store keeps each bucket's extremes as points. */
export function bestPoint(s: { x: number[]; y: number[] }, direction: 'max' | 'min'): Point | null {
  const ys = s.y;
  let best: Point | null = null;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) continue;
    if (!best || (direction === 'max' ? y > best.y : y < best.y)) best = { x: s.x[i], y };
  }
  return best;
}

/** The value in force at `x`: the last point at or before it (null before the first point). */
export function valueAt(s: { x: number[]; y: number[] }, x: number): number | null {
  let lo = 0;
  let hi = s.x.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (s.x[mid] <= x) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found >= 0 && Number.isFinite(s.y[found]) ? s.y[found] : null;
}

/** Where NTP ends and RL begins, on the chosen x axis (wall time has no fixed boundary). */
export function phaseBoundary(config: unknown, x: XAxisKind): number | null {
  const ntpSteps = getPath(config, 'ntp.steps');
  const rl = getPath(config, 'rl');
  const rlSteps = getPath(config, 'rl.steps');
  // ntp.steps = 0: RL branched from a stored checkpoint; its start is where its series begin.
  if (typeof ntpSteps !== 'number' || ntpSteps === 0 || rl == null || rlSteps === 0) return null;
  if (x === 'step') return ntpSteps;
  if (x === 'samples') {
    const batch = getPath(config, 'ntp.batchSize');
    return typeof batch === 'number' ? ntpSteps * batch : null;
  }
  return null;
}

/** RL branched from a checkpoint starts at the checkpoint's step: the first x it logged. */
export function branchStart(config: unknown, series: readonly { x: number[] }[]): number | null {
  if (getPath(config, 'rl.fromCheckpoint') == null) return null;
  let min = Infinity;
  for (const s of series) if (s.x.length) min = Math.min(min, s.x[0]);
  return Number.isFinite(min) ? min : null;
}

export function uniqueBoundaries(values: readonly (number | null)[]): number[] {
  return [...new Set(values.filter((v): v is number => v != null && Number.isFinite(v)))].sort((a, b) => a - b);
}

/** Lower and upper edge of a seed group's band. */
export function bandOf(g: GroupSeries, mode: 'minmax' | 'std'): { lower: number[]; upper: number[] } {
  if (mode === 'minmax') return { lower: g.min, upper: g.max };
  return { lower: g.mean.map((m, i) => m - g.std[i]), upper: g.mean.map((m, i) => m + g.std[i]) };
}

export interface SummaryCell {
  last: Point | null;
  best: Point | null;
  at: number | null;
}

export function summarize(s: MetricSeries | undefined, direction: 'max' | 'min' | 'none', atX: number | null): SummaryCell {
  if (!s) return { last: null, best: null, at: null };
  return {
    last: lastPoint(s),
    best: direction === 'none' ? null : bestPoint(s, direction),
    at: atX == null ? null : valueAt(s, atX),
  };
}

/** The largest x across series: the natural end of the "at step" slider. */
export function maxX(list: readonly { x: number[] }[]): number {
  let max = 0;
  for (const s of list) if (s.x.length) max = Math.max(max, s.x[s.x.length - 1]);
  return max;
}

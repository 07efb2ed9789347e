// Per-run values of one metric for the metric-versus-hyperparameter figure (app and report).
import type { RunStore } from '../db';
import { metricPoint } from '../db/metric-points';
import { metricInfo } from '../vocabulary/charts/metric-catalog';
import type { RunMetricPoint } from '../vocabulary/charts/hyperparam';

export function runMetricPoints(store: RunStore, runIds: readonly number[], key: string, step: number | null): RunMetricPoint[] {
  const direction = metricInfo(key).direction;
  const out: RunMetricPoint[] = [];
  for (const runId of runIds) {
    const p = metricPoint(store.db, store.keys, runId, key, step);
    if (!p) continue;
    const best = direction === 'max' ? { y: p.max, x: p.maxStep } : direction === 'min' ? { y: p.min, x: p.minStep } : { y: null, x: null };
    out.push({ runId, key, last: p.last, lastStep: p.lastStep, best: best.y, bestStep: best.x, ntpLast: p.ntpLast, rlLast: p.rlLast, atStep: p.atStep });
  }
  return out;
}

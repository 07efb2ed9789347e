// Gathers what a comparison report shows (runs, their series, seed groups) and hands it to the
// renderer-independent HTML report. Used by `export/report` and by `workbench export --format html`.
import type { RunStore } from '../db';
import { renderComparisonReport } from '../report/html-report';
import { toGroupSeries, toMetricSeries, toRunDetail } from './mappers';
import { METRIC } from '../vocabulary/metric-keys';
import { BRANCH_KEYS } from '../vocabulary/charts/metric-catalog';
import type { HyperparamQuery } from '../vocabulary/charts/hyperparam';
import { runMetricPoints } from './metric-points';

export const DEFAULT_REPORT_KEYS = [METRIC.greedyAccuracy, METRIC.greedyLengthMedian, METRIC.sampledLongShare, METRIC.loss, METRIC.rewardMean];
const REPORT_POINTS = 500;

export interface ReportOptions {
  keys?: string[];
  title?: string;
  /** Seeds of one config as mean and band (default true); false draws one line per run. */
  groupSeeds?: boolean;
  band?: 'minmax' | 'std';
  /** Metric-versus-hyperparameter figures of the same runs. */
  hyperparam?: HyperparamQuery[];
  appVersion: string;
}

export async function buildComparisonReport(store: RunStore, ids: number[], options: ReportOptions): Promise<string> {
  const runs = ids.map((id) => store.getRun(id)).filter((r) => r !== undefined);
  if (runs.length === 0) throw new Error(`none of the runs ${ids.join(', ')} exist in ${store.path}`);
  const chosen = options.keys?.length ? options.keys : DEFAULT_REPORT_KEYS;
  // The mechanism's probabilities explain the accuracy and length curves: always shown where logged.
  const keys = [...chosen, ...BRANCH_KEYS.filter((key) => !chosen.includes(key) && runs.some((r) => r.metrics[key] !== undefined))];
  const runIds = runs.map((r) => r.id);
  const series = store.series({ runIds, keys, maxPoints: REPORT_POINTS, x: 'step' }).map(toMetricSeries);
  const groups = new Map<string, number[]>();
  for (const run of runs) groups.set(run.groupKey, [...(groups.get(run.groupKey) ?? []), run.id]);
  const groupSeries = options.groupSeeds === false ? [] : [...groups]
    .filter(([, members]) => members.length > 1)
    .flatMap(([groupKey, members]) => store.groupSeries({ runIds: members, keys, maxPoints: REPORT_POINTS }).map((g) => toGroupSeries(groupKey, g)));
  return renderComparisonReport({
    title: options.title ?? `Comparison of ${runs.length} run${runs.length === 1 ? '' : 's'}`,
    runs: runs.map(toRunDetail),
    series,
    groups: groupSeries,
    keys,
    band: options.band,
    hyperparam: (options.hyperparam ?? []).map((query) => ({ query, points: runMetricPoints(store, runIds, query.metric, query.step) })),
    generatedAt: new Date(),
    appVersion: options.appVersion,
  });
}

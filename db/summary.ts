import { METRIC } from '../vocabulary/metric-keys';
import type { KeySummary } from './rollup';

/** Keys whose summaries run lists carry by default (what the runs table shows). */
export const HEADLINE_KEYS: readonly string[] = [
  METRIC.loss,
  METRIC.greedyAccuracy,
  METRIC.sampledAccuracy,
  METRIC.greedyLengthMedian,
  METRIC.sampledLongShare,
  METRIC.rewardMean,
];

/** Which extreme is "best" for a key; undefined where neither is (lengths, lr, timings). */
export function metricGoal(key: string): 'max' | 'min' | undefined {
  if (/accuracy|reward(?!_std)/.test(key)) return 'max';
  if (/(^|\/)loss$|kl$/.test(key)) return 'min';
  return undefined;
}

/** Best value and its step for a key, by metricGoal. */
export function bestOf(key: string, s: KeySummary): { value: number; step: number } | undefined {
  const goal = metricGoal(key);
  if (goal === 'max' && s.max !== null && s.maxStep !== null) return { value: s.max, step: s.maxStep };
  if (goal === 'min' && s.min !== null && s.minStep !== null) return { value: s.min, step: s.minStep };
  return undefined;
}

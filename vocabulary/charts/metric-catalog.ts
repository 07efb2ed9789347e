// How each metric is labelled and judged ("best" is the max of an accuracy, the min of a loss).
// Keys come from trainer/metric-keys.ts; unknown keys still get a readable fallback.
import { METRIC } from '../metric-keys';

export interface MetricInfo {
  key: string;
  label: string;
  direction: 'max' | 'min' | 'none';
  /** Values are shares in [0, 1], shown as percentages on a fixed 0-100% axis. */
  percent: boolean;
  /** Long-share charts carry the 1/3 threshold line and the STaR recursion overlay. */
  longShare: boolean;
  /** One of the mechanism's branch probabilities: charts carry its theory line and the 1/2 boundary. */
  branch?: 'start' | 'continue' | 'greedy-continue';
  /** Logged in the RL phase only: its x axis starts where the data does, not at step 0. */
  rlOnly: boolean;
}

const m = (key: string, label: string, direction: MetricInfo['direction'], percent = false, longShare = false): MetricInfo => ({
  key,
  label,
  direction,
  percent,
  longShare,
  rlOnly: RL_ONLY.has(key),
});

const RL_ONLY = new Set<string>([
  METRIC.rlLoss, METRIC.rewardMean, METRIC.rewardStd, METRIC.fracRewardZeroStd, METRIC.lengthMean, METRIC.lengthMin,
  METRIC.lengthMax, METRIC.truncatedRatio, METRIC.longShare, METRIC.entropy, METRIC.kl, METRIC.clipRatio,
  METRIC.starKeptLongShare, METRIC.starSampledLongShare, METRIC.starTheoryLongShare, METRIC.starFinetuneSteps, METRIC.starCalibrated,
]);

export const METRICS: MetricInfo[] = [
  m(METRIC.greedyAccuracy, 'Greedy accuracy', 'max', true),
  m(METRIC.sampledAccuracy, 'Sampled accuracy', 'max', true),
  // Longer is the goal here: the chain (length d) is what generalizes, so "best" is the longest.
  m(METRIC.greedyLengthMedian, 'Response length (median, greedy)', 'max'),
  m(METRIC.greedyLengthMean, 'Response length (mean, greedy)', 'max'),
  m(METRIC.sampledLongShare, 'Long-response share (sampled)', 'max', true, true),
  m(METRIC.greedyLongShare, 'Long-response share (greedy)', 'max', true, true),
  m(METRIC.truncatedShare, 'Truncated share (eval)', 'min', true),
  { ...m(METRIC.branchStartLong, 'P(start long form)', 'none', true), branch: 'start' },
  { ...m(METRIC.branchContinue, 'P(continue long form | first token)', 'none', true), branch: 'continue' },
  { ...m(METRIC.branchContinueGreedy, 'Greedy continues the long form', 'none', true), branch: 'greedy-continue' },
  m(METRIC.loss, 'Loss (NTP cross-entropy)', 'min'),
  // A surrogate's value says nothing about quality (it may be negative): no "best".
  m(METRIC.rlLoss, 'RL objective (surrogate loss)', 'none'),
  m(METRIC.rewardMean, 'Reward (mean)', 'max'),
  m(METRIC.rewardStd, 'Reward std', 'none'),
  m(METRIC.fracRewardZeroStd, 'Groups with equal rewards', 'none', true),
  m(METRIC.lengthMean, 'Rollout length (mean)', 'none'),
  m(METRIC.lengthMin, 'Rollout length (min)', 'none'),
  m(METRIC.lengthMax, 'Rollout length (max)', 'none'),
  m(METRIC.truncatedRatio, 'Rollouts truncated', 'min', true),
  m(METRIC.longShare, 'Long-response share (rollouts)', 'max', true, true),
  m(METRIC.entropy, 'Entropy', 'none'),
  m(METRIC.kl, 'KL to start model', 'none'),
  m(METRIC.clipRatio, 'Clip share (GRPO)', 'none', true),
  // STaR in rounds: one point per round (the RL step); the long shares carry the 1/3 line and the recursion overlay
  m(METRIC.starKeptLongShare, 'Long share of the kept (correct) samples (STaR round)', 'none', true, true),
  m(METRIC.starSampledLongShare, 'Long-response share after the STaR round (sampled, tau 1)', 'max', true, true),
  // the theory itself: no recursion overlay on top of it
  m(METRIC.starTheoryLongShare, 'STaR theory: 2p/(1+p) of the previous round', 'none', true),
  m(METRIC.starFinetuneSteps, 'Fine-tune steps per STaR round', 'none'),
  m(METRIC.starCalibrated, 'STaR rounds ended calibrated', 'none', true),
  m(METRIC.lr, 'Learning rate', 'none'),
  m(METRIC.gradNorm, 'Gradient norm', 'none'),
  m(METRIC.stepTimeMs, 'Step time (ms)', 'min'),
];

const BY_KEY = new Map(METRICS.map((info) => [info.key, info]));

export function metricInfo(key: string): MetricInfo {
  return (
    BY_KEY.get(key) ?? {
      key,
      label: key.replace(/^.*\//, '').replace(/_/g, ' '),
      direction: /loss/.test(key) ? 'min' : /accuracy|reward$/.test(key) ? 'max' : 'none',
      percent: /accuracy|share|ratio/.test(key),
      longShare: /long_share/.test(key),
      rlOnly: false,
    }
  );
}

/** The compare view opens on the paper's figure: accuracy, response length, long share. */
export const DEFAULT_COMPARE_KEYS = [METRIC.greedyAccuracy, METRIC.greedyLengthMedian, METRIC.sampledLongShare];

/** What the live view of one run shows. Several keys on one chart share its panel; `names` label them. */
export const LIVE_PANELS: { title: string; keys: string[]; names: string[]; percent: boolean }[] = [
  { title: 'Loss', keys: [METRIC.loss], names: ['NTP cross-entropy'], percent: false },
  { title: 'RL objective', keys: [METRIC.rlLoss], names: ['surrogate loss'], percent: false },
  { title: 'Accuracy', keys: [METRIC.greedyAccuracy, METRIC.sampledAccuracy], names: ['greedy', 'sampled'], percent: true },
  {
    title: 'Response length',
    keys: [METRIC.greedyLengthMedian, METRIC.greedyLengthMean, METRIC.lengthMean],
    names: ['greedy median', 'greedy mean', 'rollout mean'],
    percent: false,
  },
  { title: 'Long-response share', keys: [METRIC.sampledLongShare, METRIC.longShare], names: ['eval (sampled)', 'rollouts'], percent: true },
  { title: 'Reward', keys: [METRIC.rewardMean, METRIC.rewardStd], names: ['mean', 'std'], percent: false },
  {
    title: 'STaR rounds',
    keys: [METRIC.starSampledLongShare, METRIC.starTheoryLongShare, METRIC.starKeptLongShare],
    names: ['sampled after the round', '2p/(1+p) of the previous round', 'kept (correct) mix'],
    percent: true,
  },
  {
    title: 'Branch probabilities',
    keys: [METRIC.branchStartLong, METRIC.branchContinue, METRIC.branchContinueGreedy],
    names: ['P(start long)', 'P(continue | first)', 'greedy continues'],
    percent: true,
  },
];

/** The mechanism's metrics, drawn together as the "Branch probabilities" panel. */
export const BRANCH_KEYS = [METRIC.branchStartLong, METRIC.branchContinue, METRIC.branchContinueGreedy];

export const LIVE_KEYS = [...new Set(LIVE_PANELS.flatMap((p) => p.keys))];

import { describe, expect, it } from 'vitest';
import { LIVE_KEYS, LIVE_PANELS, metricInfo } from './metric-catalog';
import { summarize } from './series';
import { METRIC } from '../metric-keys';

describe('metric catalog', () => {
  it('keeps NTP cross-entropy and the RL surrogate apart, with no "best" for the surrogate', () => {
    expect(metricInfo(METRIC.loss).direction).toBe('min');
    expect(metricInfo(METRIC.rlLoss).direction).toBe('none');
    const loss = LIVE_PANELS.find((p) => p.title === 'Loss')!;
    expect(loss.keys).toEqual([METRIC.loss]);
    expect(LIVE_PANELS.some((p) => p.keys.includes(METRIC.rlLoss))).toBe(true);
  });

  it('marks RL-only metrics so their charts start at the RL start', () => {
    expect(metricInfo(METRIC.rewardMean).rlOnly).toBe(true);
    expect(metricInfo(METRIC.rlLoss).rlOnly).toBe(true);
    expect(metricInfo(METRIC.greedyAccuracy).rlOnly).toBe(false);
    expect(metricInfo(METRIC.loss).rlOnly).toBe(false);
  });

  it('knows the STaR round metrics: labelled, RL-only, long shares with the 1/3 line, and a live panel', () => {
    for (const key of [METRIC.starKeptLongShare, METRIC.starSampledLongShare, METRIC.starTheoryLongShare, METRIC.starFinetuneSteps, METRIC.starCalibrated]) {
      const info = metricInfo(key);
      expect(info.label, key).not.toBe(key.replace(/^.*\//, '').replace(/_/g, ' ')); // not the fallback
      expect(info.rlOnly, key).toBe(true);
    }
    expect(metricInfo(METRIC.starSampledLongShare)).toMatchObject({ percent: true, longShare: true });
    expect(metricInfo(METRIC.starKeptLongShare)).toMatchObject({ percent: true, longShare: true });
    // the theory is not overlaid with the theory
    expect(metricInfo(METRIC.starTheoryLongShare)).toMatchObject({ percent: true, longShare: false });
    const panel = LIVE_PANELS.find((p) => p.title === 'STaR rounds')!;
    expect(panel.keys).toEqual([METRIC.starSampledLongShare, METRIC.starTheoryLongShare, METRIC.starKeptLongShare]);
    expect(LIVE_KEYS).toContain(METRIC.starSampledLongShare);
  });

  it('gives the response length a best (the longest), so the summary table fills it', () => {
    const s = { runId: 1, key: METRIC.greedyLengthMedian, x: [0, 100, 200], y: [1, 20, 18], min: [1, 20, 18], max: [1, 20, 18] };
    expect(summarize(s, metricInfo(METRIC.greedyLengthMedian).direction, null).best).toEqual({ x: 100, y: 20 });
  });
});

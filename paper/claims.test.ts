import { describe, expect, it } from 'vitest';
import { evaluateClaim, evaluateRule, roundsToReach, starRecursion, starRoundsOf, type RunMeasurement, type StarRoundMeasurement } from './claims';
import type { StudyClaim } from './studies';

function run(label: string, o: Partial<RunMeasurement> = {}): RunMeasurement {
  return {
    label,
    seed: 0,
    runId: 1,
    pCot: 0.25,
    longLength: 20,
    greedyAccuracy: 0.5,
    greedyLengthMedian: 1,
    sampledLongShare: 0.25,
    startSampledLongShare: null,
    rolloutLongShare: [],
    starRounds: [],
    ...o,
  };
}

describe('claim rules on hand-made numbers', () => {
  it('near-chance needs low accuracy and median length 1', () => {
    const rule = { kind: 'near-chance', label: 'ntp', maxAccuracy: 0.6 } as const;
    expect(evaluateRule(rule, [run('ntp', { greedyAccuracy: 0.52 })]).pass).toBe(true);
    expect(evaluateRule(rule, [run('ntp', { greedyAccuracy: 0.7 })]).pass).toBe(false);
    expect(evaluateRule(rule, [run('ntp', { greedyAccuracy: 0.5, greedyLengthMedian: 20 })]).pass).toBe(false);
  });

  it('averages seeds and reports their range', () => {
    const rule = { kind: 'near-chance', label: 'ntp', maxAccuracy: 0.6 } as const;
    const v = evaluateRule(rule, [run('ntp', { greedyAccuracy: 0.5 }), run('ntp', { seed: 1, greedyAccuracy: 0.8 })]);
    expect(v.pass).toBe(false); // mean 0.65
    expect(v.measured).toContain('65%');
    expect(v.measured).toContain('2 seeds: 50%-80%');
  });

  it('a failed run gives no verdict rather than a fail', () => {
    const v = evaluateRule({ kind: 'solves', labels: ['rl'], minAccuracy: 0.95 }, [run('rl', { greedyAccuracy: null })]);
    expect(v.pass).toBeNull();
    expect(v.measured).toContain('no measurement for rl');
    expect(evaluateRule({ kind: 'solves', labels: ['absent'], minAccuracy: 0.95 }, []).pass).toBeNull();
  });

  it('calibrated compares the long share with each run\'s p_cot', () => {
    const rule = { kind: 'calibrated', labels: ['a', 'b'], tolerance: 0.1 } as const;
    expect(evaluateRule(rule, [run('a', { pCot: 0.1, sampledLongShare: 0.15 }), run('b', { pCot: 0.5, sampledLongShare: 0.45 })]).pass).toBe(true);
    const off = evaluateRule(rule, [run('a', { pCot: 0.1, sampledLongShare: 0.15 }), run('b', { pCot: 0.5, sampledLongShare: 0.3 })]);
    expect(off.pass).toBe(false);
    expect(off.measured).toContain('largest gap 0.2');
  });

  it('solves needs accuracy and the long length', () => {
    const rule = { kind: 'solves', labels: ['rl'], minAccuracy: 0.95 } as const;
    expect(evaluateRule(rule, [run('rl', { greedyAccuracy: 0.99, greedyLengthMedian: 20 })]).pass).toBe(true);
    expect(evaluateRule(rule, [run('rl', { greedyAccuracy: 0.99, greedyLengthMedian: 1 })]).pass).toBe(false);
    expect(evaluateRule(rule, [run('rl', { greedyAccuracy: 0.9, greedyLengthMedian: 20 })]).pass).toBe(false);
  });

  it('beats needs the margin', () => {
    const rule = { kind: 'beats', better: 'rl', worse: 'ntp', margin: 0.3 } as const;
    expect(evaluateRule(rule, [run('rl', { greedyAccuracy: 0.98 }), run('ntp', { greedyAccuracy: 0.5 })]).pass).toBe(true);
    const close = evaluateRule(rule, [run('rl', { greedyAccuracy: 0.7 }), run('ntp', { greedyAccuracy: 0.5 })]);
    expect(close.pass).toBe(false);
    expect(close.measured).toContain('difference 20 points');
  });

  it('threshold-flip needs chance below and solved above', () => {
    const rule = { kind: 'threshold-flip', below: ['p=0.1', 'p=0.3'], above: ['p=0.4'], chance: 0.6, solved: 0.9 } as const;
    const low = (l: string, p: number, acc: number) => run(l, { pCot: p, greedyAccuracy: acc });
    expect(evaluateRule(rule, [low('p=0.1', 0.1, 0.5), low('p=0.3', 0.3, 0.55), low('p=0.4', 0.4, 0.97)]).pass).toBe(true);
    const early = evaluateRule(rule, [low('p=0.1', 0.1, 0.5), low('p=0.3', 0.3, 0.95), low('p=0.4', 0.4, 0.97)]);
    expect(early.pass).toBe(false);
    expect(early.measured).toBe('p=0.1: 50% (len 1), p=0.3: 95% (len 1), p=0.4: 97% (len 1)');
  });

  it('long-share-rises needs 1/3 and growth from the start', () => {
    const rule = { kind: 'long-share-rises', labels: ['rl'] } as const;
    expect(evaluateRule(rule, [run('rl', { startSampledLongShare: 0.25, sampledLongShare: 0.9 })]).pass).toBe(true);
    expect(evaluateRule(rule, [run('rl', { startSampledLongShare: 0.25, sampledLongShare: 0.3 })]).pass).toBe(false);
    expect(evaluateRule(rule, [run('rl', { startSampledLongShare: 0.6, sampledLongShare: 0.5 })]).pass).toBe(false);
  });
});

describe('the STaR recursion', () => {
  it('follows 2p/(1+p)', () => {
    const q = starRecursion(0.25, 4);
    expect(q[0]).toBe(0.25);
    expect(q[1]).toBeCloseTo(0.4, 12);
    expect(q[2]).toBeCloseTo(0.8 / 1.4, 12);
  });

  it('counts rounds to a target', () => {
    // 0.25 -> 0.4 -> 0.5714 -> 0.7273 -> 0.8421 -> 0.9143
    expect(roundsToReach(0.25, 0.9)).toBe(5);
    expect(roundsToReach(0.95, 0.9)).toBe(0);
    expect(roundsToReach(0, 0.9)).toBe(Infinity);
  });

  // rounds as [share after, theory, greedy acc, median length]; d = 20
  const rounds = (rows: [number, number | null, number, number][]): StarRoundMeasurement[] =>
    rows.map(([longShare, theory, greedyAccuracy, greedyLengthMedian]) => ({ longShare, theory, greedyAccuracy, greedyLengthMedian }));
  const claim: StudyClaim = { id: 's', text: 'STaR', rule: { kind: 'star-recursion', label: 'star/end-to-end', tolerance: 0.1, solved: 0.9 } };

  it('passes when each round follows 2p/(1+p) of the previous and greedy flips after the round past 1/3', () => {
    // from p = 0.25: theory 0.4, then 2p/(1+p) of each measured share
    const good = rounds([[0.38, 0.4, 0.5, 1], [0.57, 0.551, 0.98, 20], [0.72, 0.726, 1, 20], [0.85, 0.837, 1, 20]]);
    const v = evaluateClaim(claim, [run('star/end-to-end', { starRounds: good })]);
    expect(v.pass).toBe(true);
    expect(v.measured).toContain('passes 1/3 at round 1');
    expect(v.measured).toContain('greedy median length 20 from round 2');
    expect(v.measured).toContain('largest gap 0.02');
    // every seed must pass
    const lagging = rounds([[0.3, 0.4, 0.5, 1], [0.33, 0.46, 0.5, 1], [0.36, 0.5, 0.6, 1]]);
    expect(evaluateClaim(claim, [run('star/end-to-end', { starRounds: good }), run('star/end-to-end', { seed: 1, starRounds: lagging })]).pass).toBe(false);
  });

  it('fails when the share lags the recursion (one gradient step per round), or greedy flips too late or before 1/3', () => {
    const lagging = rounds([[0.3, 0.4, 0.5, 1], [0.33, 0.46, 0.5, 1], [0.36, 0.5, 0.6, 1], [0.45, 0.53, 0.95, 20]]);
    expect(evaluateClaim(claim, [run('star/end-to-end', { starRounds: lagging })]).pass).toBe(false);
    const late = rounds([[0.4, 0.4, 0.5, 1], [0.57, 0.57, 0.5, 1], [0.73, 0.73, 0.6, 1], [0.84, 0.84, 0.95, 20]]);
    const v = evaluateClaim(claim, [run('star/end-to-end', { starRounds: late })]);
    expect(v.pass).toBe(false);
    expect(v.measured).toContain('from round 4');
    const early = rounds([[0.3, 0.3, 0.95, 20], [0.46, 0.46, 1, 20]]);
    expect(evaluateClaim(claim, [run('star/end-to-end', { starRounds: early })]).pass).toBe(false);
    const unsolved = rounds([[0.4, 0.4, 0.5, 1], [0.57, 0.57, 0.8, 20]]);
    expect(evaluateClaim(claim, [run('star/end-to-end', { starRounds: unsolved })]).pass).toBe(false);
    expect(evaluateClaim(claim, [run('star/end-to-end')]).pass).toBeNull();
  });

  it('joins a run\'s series into rounds by step', () => {
    const r = starRoundsOf(
      { x: [301, 302], y: [0.4, 0.55] },
      { x: [301, 302], y: [0.41, 0.57] },
      { x: [300, 301, 302], y: [0.5, 0.6, 1] },
      { x: [300, 302], y: [1, 20] },
    );
    expect(r).toEqual([
      { longShare: 0.4, theory: 0.41, greedyAccuracy: 0.6, greedyLengthMedian: null },
      { longShare: 0.55, theory: 0.57, greedyAccuracy: 1, greedyLengthMedian: 20 },
    ]);
  });
});

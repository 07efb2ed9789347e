import { describe, expect, it } from 'vitest';
import { aggregate, evaluateClaim, evaluateRule, lengthGrowth, roundsToReach, starRecursion, starRoundsOf, type RunMeasurement, type StarRoundMeasurement } from './claims';
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

describe('claims per seed', () => {
  const claim: StudyClaim = { id: 'c', text: 'NTP at chance', rule: { kind: 'near-chance', label: 'ntp', maxAccuracy: 0.6 } };

  it('passes only when the rule holds for every seed, and names the seed that fails', () => {
    // Pooled, these three average 0.57 (a pass); seed 2 alone is not at chance.
    const runs = [run('ntp', { seed: 0, greedyAccuracy: 0.5 }), run('ntp', { seed: 1, greedyAccuracy: 0.52 }), run('ntp', { seed: 2, greedyAccuracy: 0.7 })];
    expect(evaluateRule(claim.rule, runs).pass).toBe(true);
    const r = evaluateClaim(claim, runs);
    expect(r.pass).toBe(false);
    expect(r.seeds!.map((s) => [s.seed, s.pass])).toEqual([[0, true], [1, true], [2, false]]);
    expect(r.measured).toContain('seed 2 fails: ntp: greedy acc 70%');
    const acc = r.aggregate!.find((a) => a.name === 'ntp greedy accuracy')!;
    expect(acc.mean).toBeCloseTo(0.5733, 3);
    expect([acc.min, acc.max, acc.seeds]).toEqual([0.5, 0.7, 3]);
    expect(r.measured).toContain('mean of 3 seeds: ntp greedy accuracy 57% (50%-70%)');
  });

  it('says so when every seed holds, and gives no verdict when a seed lacks data and none fails', () => {
    const ok = evaluateClaim(claim, [run('ntp', { seed: 0 }), run('ntp', { seed: 1, greedyAccuracy: 0.55 })]);
    expect(ok.pass).toBe(true);
    expect(ok.measured).toContain('holds for every seed (0, 1)');
    const gap = evaluateClaim(claim, [run('ntp', { seed: 0 }), run('ntp', { seed: 1, greedyAccuracy: null })]);
    expect(gap.pass).toBeNull();
    expect(gap.measured).toContain('seed 1: no measurement for ntp');
  });

  it('aggregates each named value over the seeds that measured it', () => {
    const agg = aggregate([
      { seed: 0, measured: '', pass: true, values: { a: 1, b: 4 } },
      { seed: 1, measured: '', pass: true, values: { a: 3 } },
    ]);
    expect(agg).toEqual([
      { name: 'a', mean: 2, min: 1, max: 3, seeds: 2 },
      { name: 'b', mean: 4, min: 4, max: 4, seeds: 1 },
    ]);
  });
});

describe('the new rules on hand-made numbers', () => {
  const at = (p: number, acc: number, len: number, seed = 0) => run(`p=${p}`, { seed, pCot: p, greedyAccuracy: acc, greedyLengthMedian: len });
  const bracket = { kind: 'threshold-bracket', labels: ['p=0.1', 'p=0.3', 'p=0.35', 'p=0.4'], chance: 0.6, solved: 0.9, threshold: 1 / 3 } as const;

  it('threshold-bracket: the largest p_cot at chance and the smallest that generalizes lie either side of 1/3', () => {
    // 0.35 is neither at chance nor solved: the bracket is 0.3 .. 0.4.
    const v = evaluateRule(bracket, [at(0.1, 0.5, 1), at(0.3, 0.52, 1), at(0.35, 0.75, 1), at(0.4, 0.97, 20)]);
    expect(v.pass).toBe(true);
    expect(v.values).toEqual({ 'largest p_cot at chance': 0.3, 'smallest p_cot that generalizes': 0.4 });
    // Generalizing already at 0.3: the bracket (0.1 .. 0.3) does not contain 1/3.
    const early = evaluateRule(bracket, [at(0.1, 0.5, 1), at(0.3, 0.95, 20), at(0.35, 0.97, 20), at(0.4, 0.97, 20)]);
    expect(early.pass).toBe(false);
    expect(early.measured).toContain('at chance up to p=0.1, generalizes from p=0.3');
    // High accuracy with short answers is not generalizing.
    expect(evaluateRule(bracket, [at(0.1, 0.5, 1), at(0.3, 0.5, 1), at(0.35, 0.6, 1), at(0.4, 0.95, 1)]).pass).toBe(false);
  });

  it('threshold-bracket per seed reports the seed that disagrees', () => {
    const seed = (s: number, acc35: number, len35: number) => [at(0.1, 0.5, 1, s), at(0.3, 0.5, 1, s), at(0.35, acc35, len35, s), at(0.4, 0.97, 20, s)];
    // Seeds 0 and 2 generalize from 0.35, seed 1 from 0.4 (0.35 at 70% is neither): all bracket 1/3.
    const r = evaluateClaim({ id: 't', text: 't', rule: bracket }, [...seed(0, 0.97, 20), ...seed(1, 0.7, 1), ...seed(2, 0.96, 20)]);
    expect(r.pass).toBe(true);
    expect(r.measured).toContain('holds for every seed (0, 1, 2)');
    // Still at chance at 0.35 (above 1/3) is a disagreement too.
    expect(evaluateClaim({ id: 't', text: 't', rule: bracket }, [...seed(0, 0.97, 20), ...seed(1, 0.5, 1)]).pass).toBe(false);
    const bad = evaluateClaim({ id: 't', text: 't', rule: bracket }, [...seed(0, 0.97, 20), ...seed(1, 0.7, 1), ...[at(0.1, 0.5, 1, 2), at(0.3, 0.93, 20, 2), at(0.35, 0.97, 20, 2), at(0.4, 0.97, 20, 2)]]);
    expect(bad.pass).toBe(false);
    expect(bad.seeds!.filter((s) => s.pass === false).map((s) => s.seed)).toEqual([2]);
    expect(bad.measured).toContain('seed 2 fails: at chance up to p=0.1, generalizes from p=0.3');
    const lo = bad.aggregate!.find((a) => a.name === 'smallest p_cot that generalizes')!;
    expect([lo.min, lo.max]).toEqual([0.3, 0.4]);
    // A value only some seeds measured says how many.
    const none = evaluateClaim({ id: 't', text: 't', rule: bracket }, [...seed(0, 0.97, 20), ...[at(0.1, 0.7, 1, 1), at(0.3, 0.7, 1, 1), at(0.35, 0.7, 1, 1), at(0.4, 0.97, 20, 1)]]);
    expect(none.measured).toContain('largest p_cot at chance 0.3 (0.3-0.3, 1 of 2 seeds)');
    expect(none.measured).toContain('seed 1 fails: at chance up to p=none, generalizes from p=0.4');
  });

  it('lengthGrowth compares the first RL step with the mean of the last fifth', () => {
    const g = lengthGrowth([run('rl', { rolloutMeanLength: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] })], 'rl')!;
    expect(g).toEqual({ from: 1, to: 9.5, growth: 8.5 });
    expect(lengthGrowth([run('rl')], 'rl')).toBeNull();
  });

  it('lengthens-without-solving: longer responses, accuracy below the bar', () => {
    const rule = { kind: 'lengthens-without-solving', label: 'early', minGrowth: 0.1, maxAccuracy: 0.9 } as const;
    // d = 20: lengthening means +1.9 tokens.
    expect(evaluateRule(rule, [run('early', { greedyAccuracy: 0.55, rolloutMeanLength: [1.2, 3, 5, 6, 6.5] })]).pass).toBe(true);
    expect(evaluateRule(rule, [run('early', { greedyAccuracy: 0.99, rolloutMeanLength: [1.2, 3, 5, 6, 6.5] })]).pass).toBe(false);
    const flat = evaluateRule(rule, [run('early', { greedyAccuracy: 0.5, rolloutMeanLength: [1.2, 1.3, 1.2, 1.4, 2.0] })]);
    expect(flat.pass).toBe(false);
    expect(flat.measured).toContain('does not lengthen');
    expect(evaluateRule(rule, [run('early', { greedyAccuracy: 0.5 })]).pass).toBeNull();
  });

  it('length-grows: at least minShare of the runs lengthen', () => {
    const rule = { kind: 'length-grows', labels: ['a', 'b', 'c', 'd'], minGrowth: 0.1, minShare: 0.75 } as const;
    const grows = (l: string) => run(l, { rolloutMeanLength: [1, 10] });
    const flat = (l: string) => run(l, { rolloutMeanLength: [1, 1.5] });
    const three = evaluateRule(rule, [grows('a'), grows('b'), grows('c'), flat('d')]);
    expect(three.pass).toBe(true);
    expect(three.measured).toMatch(/^3 of 4 lengthen/);
    expect(evaluateRule(rule, [grows('a'), grows('b'), flat('c'), flat('d')]).pass).toBe(false);
    expect(evaluateRule(rule, [grows('a'), grows('b'), grows('c')]).pass).toBeNull();
  });

  it('fails-or-worse: the hot run fails, or trails the reference by the margin', () => {
    const rule = { kind: 'fails-or-worse', hot: 'hot', reference: 'ref', solved: 0.95, margin: 0.1 } as const;
    const pair = (hot: number, hotLen: number, ref: number) => [run('hot', { greedyAccuracy: hot, greedyLengthMedian: hotLen }), run('ref', { greedyAccuracy: ref, greedyLengthMedian: 20 })];
    expect(evaluateRule(rule, pair(0.6, 1, 0.99)).pass).toBe(true); // fails
    expect(evaluateRule(rule, pair(0.99, 1, 0.99)).pass).toBe(true); // right but short: not the chain
    expect(evaluateRule(rule, pair(0.97, 20, 0.99)).pass).toBe(false); // solves, 2 points behind
    expect(evaluateRule(rule, pair(0.6, 1, 0.6)).pass).toBe(true); // fails even if the reference does too
  });
});

// Decides each study claim from measured numbers: pure code (no store, no trainer), so the rules
// can be tested on hand-made numbers. A claim with no data (its runs failed) is neither pass nor
// fail: `pass` is null and the table says why. evaluateClaim applies a claim's rule to each seed's
// runs on their own; the claim passes only when it holds for every seed, and its numbers are
// reported per seed and aggregated (mean, min-max).
import type { ClaimRule, StudyClaim } from './studies';

/** What one finished run of a study measured (the reproduce command reads it from the store). */
export interface RunMeasurement {
  label: string;
  seed: number;
  runId: number;
  /** The run's p_cot and the length of the long response (d for the full parity chain). */
  pCot: number;
  longLength: number;
  /** Last evaluation of the run; null when it was not logged (failed run). */
  greedyAccuracy: number | null;
  greedyLengthMedian: number | null;
  sampledLongShare: number | null;
  /** First evaluation of the run (for an RL run branched from a checkpoint: the start model). */
  startSampledLongShare: number | null;
  /** RL rollouts' long share per RL step, in step order (empty for NTP-only runs). */
  rolloutLongShare: number[];
  /** RL rollouts' mean response length per RL step, in step order (empty for NTP-only runs). */
  rolloutMeanLength?: number[];
  /** STaR in rounds: one entry per round, in order (empty for other runs). */
  starRounds: StarRoundMeasurement[];
}

/** The numbers a verdict rests on, by name (accuracies and shares in [0,1], lengths in tokens, p_cot). */
export type ClaimValues = Record<string, number>;

/** One seed's verdict of a claim. */
export interface SeedClaimResult {
  seed: number;
  measured: string;
  pass: boolean | null;
  values: ClaimValues;
}

/** One named number over the seeds that measured it. */
export interface AggregateValue {
  name: string;
  mean: number;
  min: number;
  max: number;
  /** How many seeds measured it. */
  seeds: number;
}

/** What a STaR round left: its star/* metrics and the evaluation after it. */
export interface StarRoundMeasurement {
  /** The model's sampled long share after the round. */
  longShare: number;
  /** 2p/(1+p) of the previous round's share (null when the reward is not end-to-end). */
  theory: number | null;
  greedyAccuracy: number | null;
  greedyLengthMedian: number | null;
}

export interface ClaimResult {
  id: string;
  text: string;
  /** The numbers the verdict rests on, in words: aggregated over seeds, then the seeds that fail. */
  measured: string;
  /** True only when the rule holds for every seed; false when one seed fails; null when a seed lacks data and none fails. */
  pass: boolean | null;
  /** The rule applied to each seed's runs on their own. */
  seeds?: SeedClaimResult[];
  aggregate?: AggregateValue[];
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const num = (x: number) => String(Number(x.toFixed(3)));

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** A label's runs aggregated over seeds: the mean of each final value that was measured. */
interface LabelStats {
  label: string;
  seeds: number;
  acc: number | null;
  accRange: [number, number] | null;
  length: number | null;
  longShare: number | null;
  startLongShare: number | null;
  pCot: number;
  longLength: number;
}

function stats(runs: readonly RunMeasurement[], label: string): LabelStats | null {
  const mine = runs.filter((r) => r.label === label);
  if (mine.length === 0) return null;
  const avg = (pick: (r: RunMeasurement) => number | null): number | null => {
    const xs = mine.map(pick).filter((x): x is number => x !== null && Number.isFinite(x));
    return xs.length ? mean(xs) : null;
  };
  const accs = mine.map((r) => r.greedyAccuracy).filter((x): x is number => x !== null);
  return {
    label,
    seeds: accs.length,
    acc: avg((r) => r.greedyAccuracy),
    accRange: accs.length > 1 ? [Math.min(...accs), Math.max(...accs)] : null,
    length: avg((r) => r.greedyLengthMedian),
    longShare: avg((r) => r.sampledLongShare),
    startLongShare: avg((r) => r.startSampledLongShare),
    pCot: mine[0]!.pCot,
    longLength: mine[0]!.longLength,
  };
}

function accText(s: LabelStats): string {
  const range = s.accRange ? ` (${s.seeds} seeds: ${pct(s.accRange[0])}-${pct(s.accRange[1])})` : '';
  return `${s.label}: greedy acc ${pct(s.acc!)}${range}`;
}

/** A rule's decision on a set of runs, with the numbers it rests on. */
type Verdict = { measured: string; pass: boolean | null; values?: ClaimValues };

function noData(labels: readonly string[]): Verdict {
  return { measured: `no measurement for ${labels.join(', ')} (run missing or failed)`, pass: null };
}

/** Stats for every label, or the labels that lack the needed value. */
function need(runs: readonly RunMeasurement[], labels: readonly string[], field: 'acc' | 'length' | 'longShare'): LabelStats[] | Verdict {
  const all = labels.map((l) => stats(runs, l));
  const missing = labels.filter((_, i) => all[i] === null || all[i]![field] === null);
  return missing.length ? noData(missing) : (all as LabelStats[]);
}

export function evaluateRule(rule: ClaimRule, runs: readonly RunMeasurement[]): Verdict {
  switch (rule.kind) {
    case 'near-chance': {
      const got = need(runs, [rule.label], 'acc');
      if (!Array.isArray(got)) return got;
      const s = got[0]!;
      const pass = s.acc! <= rule.maxAccuracy && s.length === 1;
      return { measured: `${accText(s)}, median greedy length ${s.length === null ? '?' : num(s.length)}`, pass, values: accLength([s]) };
    }
    case 'calibrated': {
      const got = need(runs, rule.labels, 'longShare');
      if (!Array.isArray(got)) return got;
      const gaps = got.map((s) => Math.abs(s.longShare! - s.pCot));
      return {
        measured: got.map((s) => `${s.label}: long share ${num(s.longShare!)} vs p_cot ${s.pCot}`).join('; ') + `; largest gap ${num(Math.max(...gaps))}`,
        pass: gaps.every((g) => g <= rule.tolerance),
        values: { ...Object.fromEntries(got.map((s) => [`${s.label} long share`, s.longShare!])), 'largest gap': Math.max(...gaps) },
      };
    }
    case 'solves': {
      const got = need(runs, rule.labels, 'acc');
      if (!Array.isArray(got)) return got;
      const ok = (s: LabelStats) => s.acc! >= rule.minAccuracy && s.length !== null && Math.round(s.length) === s.longLength;
      return {
        measured: got.map((s) => `${accText(s)}, median length ${s.length === null ? '?' : num(s.length)} of ${s.longLength}`).join('; '),
        pass: got.every(ok),
        values: accLength(got),
      };
    }
    case 'beats': {
      const got = need(runs, [rule.better, rule.worse], 'acc');
      if (!Array.isArray(got)) return got;
      const [better, worse] = got as [LabelStats, LabelStats];
      const gap = better.acc! - worse.acc!;
      return {
        measured: `${accText(better)}; ${accText(worse)}; difference ${(100 * gap).toFixed(0)} points`,
        pass: gap >= rule.margin,
        values: { [`${better.label} greedy accuracy`]: better.acc!, [`${worse.label} greedy accuracy`]: worse.acc!, 'difference': gap },
      };
    }
    case 'threshold-flip': {
      const got = need(runs, [...rule.below, ...rule.above], 'acc');
      if (!Array.isArray(got)) return got;
      const below = got.slice(0, rule.below.length);
      const above = got.slice(rule.below.length);
      const pass = below.every((s) => s.acc! <= rule.chance) && above.every((s) => s.acc! >= rule.solved);
      const all = runs.length ? [...new Set(runs.map((r) => r.label))].map((l) => stats(runs, l)!).filter((s) => s.acc !== null) : [];
      all.sort((a, b) => a.pCot - b.pCot);
      return { measured: all.map((s) => `p=${s.pCot}: ${pct(s.acc!)} (len ${s.length === null ? '?' : num(s.length)})`).join(', '), pass };
    }
    case 'long-share-rises': {
      const got = need(runs, rule.labels, 'longShare');
      if (!Array.isArray(got)) return got;
      const ok = (s: LabelStats) => s.longShare! > 1 / 3 && (s.startLongShare === null || s.longShare! > s.startLongShare);
      return {
        measured: got.map((s) => `${s.label}: ${s.startLongShare === null ? '?' : num(s.startLongShare)} -> ${num(s.longShare!)}`).join('; '),
        pass: got.every(ok),
        values: Object.fromEntries(got.map((s) => [`${s.label} long share`, s.longShare!])),
      };
    }
    case 'threshold-bracket':
      return thresholdBracket(rule, runs);
    case 'lengthens-without-solving': {
      const got = need(runs, [rule.label], 'acc');
      if (!Array.isArray(got)) return got;
      const s = got[0]!;
      const g = lengthGrowth(runs, rule.label);
      if (g === null) return noData([`${rule.label} (RL rollout lengths)`]);
      const lengthens = g.growth >= rule.minGrowth * (s.longLength - 1);
      return {
        measured: `${s.label}: rollout mean length ${num(g.from)} -> ${num(g.to)} (${lengthens ? 'lengthens' : 'does not lengthen'}: needs +${num(rule.minGrowth * (s.longLength - 1))}); greedy acc ${pct(s.acc!)}`,
        pass: lengthens && s.acc! < rule.maxAccuracy,
        values: { [`${s.label} length growth`]: g.growth, [`${s.label} greedy accuracy`]: s.acc! },
      };
    }
    case 'length-grows': {
      const growths = rule.labels.map((l) => ({ label: l, g: lengthGrowth(runs, l), s: stats(runs, l) }));
      const missing = growths.filter((x) => x.g === null || x.s === null).map((x) => x.label);
      if (missing.length) return noData(missing);
      const grew = growths.filter((x) => x.g!.growth >= rule.minGrowth * (x.s!.longLength - 1));
      const share = grew.length / growths.length;
      return {
        measured: `${grew.length} of ${growths.length} lengthen (needs ${num(rule.minShare * growths.length)}): ${growths.map((x) => `${x.label} ${num(x.g!.from)} -> ${num(x.g!.to)}`).join('; ')}`,
        pass: share >= rule.minShare,
        values: { 'share that lengthen': share, ...Object.fromEntries(growths.map((x) => [`${x.label} length growth`, x.g!.growth])) },
      };
    }
    case 'fails-or-worse': {
      const got = need(runs, [rule.hot, rule.reference], 'acc');
      if (!Array.isArray(got)) return got;
      const [hot, ref] = got as [LabelStats, LabelStats];
      const fails = !(hot.acc! >= rule.solved && hot.length !== null && Math.round(hot.length) === hot.longLength);
      const gap = ref.acc! - hot.acc!;
      return {
        measured: `${accText(hot)}, median length ${hot.length === null ? '?' : num(hot.length)} of ${hot.longLength} (${fails ? 'fails' : 'solves'}); ${accText(ref)}; ${(100 * gap).toFixed(0)} points behind`,
        pass: fails || gap >= rule.margin,
        values: { [`${hot.label} greedy accuracy`]: hot.acc!, [`${ref.label} greedy accuracy`]: ref.acc!, 'points behind': gap },
      };
    }
    case 'star-recursion': {
      const mine = runs.filter((r) => r.label === rule.label && r.starRounds.length > 0);
      if (mine.length === 0) return noData([rule.label]);
      const verdicts = mine.map((r) => starRoundsVerdict(r, rule.tolerance, rule.solved));
      return { measured: verdicts.map((v) => v.text).join('; '), pass: verdicts.every((v) => v.pass) };
    }
  }
}

/** Greedy accuracy and median length per label, as verdict values. */
function accLength(all: readonly LabelStats[]): ClaimValues {
  const out: ClaimValues = {};
  for (const s of all) {
    out[`${s.label} greedy accuracy`] = s.acc!;
    if (s.length !== null) out[`${s.label} median length`] = s.length;
  }
  return out;
}

/**
 * How much a label's RL rollouts lengthened: the mean length at the first RL step against the
 * mean over the last fifth of the steps (one step is noisy). Null without rollouts.
 */
export function lengthGrowth(runs: readonly RunMeasurement[], label: string): { from: number; to: number; growth: number } | null {
  const curves = runs.filter((r) => r.label === label && (r.rolloutMeanLength?.length ?? 0) > 0).map((r) => r.rolloutMeanLength!);
  if (curves.length === 0) return null;
  const curve = meanCurve(curves);
  const from = curve[0]!;
  const to = mean(curve.slice(-Math.max(1, Math.ceil(curve.length / 5))));
  return { from, to, growth: to - from };
}

/** The threshold-bracket rule: where NTP alone stops being at chance and starts to generalize, across p_cot. */
function thresholdBracket(rule: Extract<ClaimRule, { kind: 'threshold-bracket' }>, runs: readonly RunMeasurement[]): Verdict {
  const got = need(runs, rule.labels, 'acc');
  if (!Array.isArray(got)) return got;
  const sorted = [...got].sort((a, b) => a.pCot - b.pCot);
  const atChance = sorted.filter((s) => s.acc! <= rule.chance && s.length === 1);
  const generalizes = sorted.filter((s) => s.acc! >= rule.solved && s.length !== null && Math.round(s.length) === s.longLength);
  const lo = atChance.at(-1)?.pCot ?? null;
  const hi = generalizes[0]?.pCot ?? null;
  const pass = lo !== null && hi !== null && lo < rule.threshold && rule.threshold < hi;
  const curve = sorted.map((s) => `p=${s.pCot}: ${pct(s.acc!)} (len ${s.length === null ? '?' : num(s.length)})`).join(', ');
  const values: ClaimValues = {};
  if (lo !== null) values['largest p_cot at chance'] = lo;
  if (hi !== null) values['smallest p_cot that generalizes'] = hi;
  return { measured: `at chance up to p=${lo ?? 'none'}, generalizes from p=${hi ?? 'none'}: ${curve}`, pass, values };
}

/** One value for the text: accuracies as percentages, accuracy gaps in points, else the number. */
export function formatValue(name: string, x: number): string {
  if (/difference|behind/.test(name)) return `${(100 * x).toFixed(0)} points`;
  return /accuracy/.test(name) ? pct(x) : num(x);
}

/** The claim decided per seed (its rule on that seed's runs alone); it passes only when every seed passes. */
/** One STaR run's rounds against the recursion and the greedy flip. */
function starRoundsVerdict(run: RunMeasurement, tolerance: number, solved: number): { text: string; pass: boolean } {
  const rounds = run.starRounds;
  const gaps = rounds.filter((r) => r.theory !== null).map((r) => Math.abs(r.longShare - r.theory!));
  const largest = gaps.length ? Math.max(...gaps) : null;
  const passes = rounds.findIndex((r) => r.longShare > 1 / 3);
  const flips = rounds.findIndex((r) => r.greedyLengthMedian !== null && Math.round(r.greedyLengthMedian) === run.longLength);
  const final = rounds[rounds.length - 1]!.greedyAccuracy;
  const list = (pick: (r: StarRoundMeasurement) => number | null) => rounds.map((r) => (pick(r) === null ? '?' : num(pick(r)!))).join('/');
  const text =
    `seed ${run.seed}: long share after rounds 1-${rounds.length} ${list((r) => r.longShare)} vs 2p/(1+p) of the previous ${list((r) => r.theory)} ` +
    `(largest gap ${largest === null ? '?' : num(largest)}, tolerance ${tolerance}); passes 1/3 ${passes < 0 ? 'never' : `at round ${passes + 1}`}; ` +
    `greedy median length ${run.longLength} ${flips < 0 ? 'never' : `from round ${flips + 1}`}; greedy acc ${final === null ? '?' : pct(final)} after the last round`;
  // the flip follows the share past 1/3: not before that round, and at it or the next
  const flipOk = passes >= 0 && flips >= passes && flips <= passes + 1;
  return { text, pass: largest !== null && largest <= tolerance && flipOk && final !== null && final >= solved };
}

/** A metric's values by step, as the store's series give them. */
export interface StepSeries {
  x: readonly number[];
  y: readonly number[];
}

/** A STaR run's rounds from its series: one per step that logged star/sampled_long_share, joined by step. */
export function starRoundsOf(longShare: StepSeries, theory: StepSeries, greedyAccuracy: StepSeries, greedyLengthMedian: StepSeries): StarRoundMeasurement[] {
  const at = (s: StepSeries, step: number) => {
    const i = s.x.indexOf(step);
    return i < 0 ? null : s.y[i]!;
  };
  return longShare.x.map((step, i) => ({
    longShare: longShare.y[i]!,
    theory: at(theory, step),
    greedyAccuracy: at(greedyAccuracy, step),
    greedyLengthMedian: at(greedyLengthMedian, step),
  }));
}

export function evaluateClaim(claim: StudyClaim, runs: readonly RunMeasurement[]): ClaimResult {
  const seedList = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  if (seedList.length <= 1) {
    const v = evaluateRule(claim.rule, runs);
    const seeds = seedList.map((seed) => ({ seed, measured: v.measured, pass: v.pass, values: v.values ?? {} }));
    return { id: claim.id, text: claim.text, measured: v.measured, pass: v.pass, seeds, aggregate: aggregate(seeds) };
  }
  const seeds: SeedClaimResult[] = seedList.map((seed) => {
    const v = evaluateRule(claim.rule, runs.filter((r) => r.seed === seed));
    return { seed, measured: v.measured, pass: v.pass, values: v.values ?? {} };
  });
  const pass = seeds.some((s) => s.pass === false) ? false : seeds.some((s) => s.pass === null) ? null : true;
  const agg = aggregate(seeds);
  const failing = seeds.filter((s) => s.pass === false);
  const missing = seeds.filter((s) => s.pass === null);
  const numbers = agg.length
    ? `mean of ${seeds.length} seeds: ${agg.map((a) => `${a.name} ${formatValue(a.name, a.mean)} (${formatValue(a.name, a.min)}-${formatValue(a.name, a.max)}${a.seeds < seeds.length ? `, ${a.seeds} of ${seeds.length} seeds` : ''})`).join(', ')}`
    : `${seeds.length} seeds`;
  const verdicts = [
    pass === true ? `holds for every seed (${seedList.join(', ')})` : '',
    ...failing.map((s) => `seed ${s.seed} fails: ${s.measured}`),
    ...missing.map((s) => `seed ${s.seed}: ${s.measured}`),
  ].filter(Boolean);
  return { id: claim.id, text: claim.text, measured: `${numbers}; ${verdicts.join('; ')}`, pass, seeds, aggregate: agg };
}

/** Each value's mean and range over the seeds that measured it, in the order the rule names them. */
export function aggregate(seeds: readonly SeedClaimResult[]): AggregateValue[] {
  const names = [...new Set(seeds.flatMap((s) => Object.keys(s.values)))];
  return names.map((name) => {
    const xs = seeds.map((s) => s.values[name]).filter((x): x is number => x !== undefined && Number.isFinite(x));
    return { name, mean: mean(xs), min: Math.min(...xs), max: Math.max(...xs), seeds: xs.length };
  });
}

/** p_0 = start, p_{t+1} = 2 p_t / (1 + p_t): STaR's long share when each round refits the correct samples. */
export function starRecursion(start: number, rounds: number): number[] {
  const out: number[] = [];
  let p = start;
  for (let t = 0; t < rounds; t++) {
    out.push(p);
    p = (2 * p) / (1 + p);
  }
  return out;
}

/** Rounds of the recursion from `start` until the share reaches `target` (Infinity from 0). */
export function roundsToReach(start: number, target: number): number {
  if (start <= 0) return Infinity;
  let p = start;
  let t = 0;
  while (p < target && t < 10_000) {
    p = (2 * p) / (1 + p);
    t += 1;
  }
  return t;
}

/** The step-wise mean of curves, over the steps all of them reached. */
function meanCurve(curves: number[][]): number[] {
  const n = Math.min(...curves.map((c) => c.length));
  return Array.from({ length: n }, (_, i) => mean(curves.map((c) => c[i]!)));
}

// Decides each study claim from measured numbers: pure code (no store, no trainer), so the rules
// can be tested on hand-made numbers. A claim with no data (its runs failed) is neither pass nor
// fail: `pass` is null and the table says why.
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
}

export interface ClaimResult {
  id: string;
  text: string;
  /** The numbers the verdict rests on, in words. */
  measured: string;
  pass: boolean | null;
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

type Verdict = Omit<ClaimResult, 'id' | 'text'>;

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
      return { measured: `${accText(s)}, median greedy length ${s.length === null ? '?' : num(s.length)}`, pass };
    }
    case 'calibrated': {
      const got = need(runs, rule.labels, 'longShare');
      if (!Array.isArray(got)) return got;
      const gaps = got.map((s) => Math.abs(s.longShare! - s.pCot));
      return {
        measured: got.map((s) => `${s.label}: long share ${num(s.longShare!)} vs p_cot ${s.pCot}`).join('; ') + `; largest gap ${num(Math.max(...gaps))}`,
        pass: gaps.every((g) => g <= rule.tolerance),
      };
    }
    case 'solves': {
      const got = need(runs, rule.labels, 'acc');
      if (!Array.isArray(got)) return got;
      const ok = (s: LabelStats) => s.acc! >= rule.minAccuracy && s.length !== null && Math.round(s.length) === s.longLength;
      return {
        measured: got.map((s) => `${accText(s)}, median length ${s.length === null ? '?' : num(s.length)} of ${s.longLength}`).join('; '),
        pass: got.every(ok),
      };
    }
    case 'beats': {
      const got = need(runs, [rule.better, rule.worse], 'acc');
      if (!Array.isArray(got)) return got;
      const [better, worse] = got as [LabelStats, LabelStats];
      const gap = better.acc! - worse.acc!;
      return { measured: `${accText(better)}; ${accText(worse)}; difference ${(100 * gap).toFixed(0)} points`, pass: gap >= rule.margin };
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
      };
    }
    case 'star-recursion': {
      const mine = runs.filter((r) => r.label === rule.label && r.rolloutLongShare.length > 0);
      if (mine.length === 0) return noData([rule.label]);
      const measured = meanCurve(mine.map((r) => r.rolloutLongShare));
      const predicted = starRecursion(measured[0]!, measured.length);
      const reached = measured.findIndex((x) => x >= rule.target);
      const predictedReach = roundsToReach(measured[0]!, rule.target);
      const gap = mean(measured.map((x, i) => Math.abs(x - predicted[i]!)));
      const reachText = reached < 0 ? `not reached in ${measured.length} steps (last ${num(measured[measured.length - 1]!)})` : `reached at RL step ${reached + 1}`;
      return {
        measured: `long share from ${num(measured[0]!)}: ${rule.target} ${reachText}; the recursion reaches it in ${predictedReach} rounds; mean |measured - recursion| ${num(gap)}`,
        pass: reached >= 0,
      };
    }
  }
}

export function evaluateClaim(claim: StudyClaim, runs: readonly RunMeasurement[]): ClaimResult {
  return { id: claim.id, text: claim.text, ...evaluateRule(claim.rule, runs) };
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

/** Pointwise mean of curves of possibly different lengths (up to the shortest). */
function meanCurve(curves: number[][]): number[] {
  const n = Math.min(...curves.map((c) => c.length));
  return Array.from({ length: n }, (_, i) => mean(curves.map((c) => c[i]!)));
}

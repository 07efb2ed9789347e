// The few config values a researcher scans a run list by, read defensively: the config schema
// may grow, and imported runs may come from older versions of it.
import type { RunSummary } from './runs';
import { getPath } from './config-paths';
import { METRIC } from './metric-keys';

export interface KeyConfig {
  task: string;
  d: number | null;
  pCot: number | null;
  /** null when the run has no RL phase. */
  algorithm: string | null;
  temperature: number | null;
  ntpSteps: number | null;
  rlSteps: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export function keyConfig(config: unknown): KeyConfig {
  const rlSteps = num(getPath(config, 'rl.steps'));
  const hasRl = getPath(config, 'rl') != null && (rlSteps == null || rlSteps > 0);
  const kind = str(getPath(config, 'task.kind')) ?? 'parity';
  const leap = num(getPath(config, 'task.chain.leap'));
  return {
    task: leap != null ? `${kind} leap-${leap}` : kind,
    d: num(getPath(config, 'task.d')) ?? num(getPath(config, 'task.digits')),
    pCot: num(getPath(config, 'task.p_cot')),
    algorithm: hasRl ? str(getPath(config, 'rl.algorithm')) : null,
    temperature: hasRl ? num(getPath(config, 'rl.temperature')) : null,
    ntpSteps: num(getPath(config, 'ntp.steps')),
    rlSteps: hasRl ? rlSteps : 0,
  };
}

/**
 * Fraction of the whole run done, in [0, 1]. Progress counts steps within the current phase, so
 * RL's steps are placed after all of NTP's when the config has both phases.
 */
export function overallFraction(phase: 'ntp' | 'rl', step: number, totalSteps: number, config: unknown): number {
  const k = keyConfig(config);
  const ntp = k.ntpSteps ?? 0;
  const rl = k.rlSteps ?? 0;
  const f = ntp + rl > 0 ? ((phase === 'rl' ? ntp : 0) + step) / (ntp + rl) : totalSteps > 0 ? step / totalSteps : 0;
  return Math.min(1, Math.max(0, f));
}

/** Fraction done in [0, 1]: finished runs are 1 whatever their last logged step. */
export function progressFraction(run: Pick<RunSummary, 'status' | 'progress'> & { config: unknown }): number {
  if (run.status === 'completed') return 1;
  const p = run.progress;
  if (!p) return 0;
  return overallFraction(p.phase, p.step, p.totalSteps, run.config);
}

export function finalAccuracy(run: Pick<RunSummary, 'last'>): number | null {
  return run.last[METRIC.greedyAccuracy] ?? null;
}

export function medianLength(run: Pick<RunSummary, 'last'>): number | null {
  return run.last[METRIC.greedyLengthMedian] ?? null;
}

/** Full name for legends and tables; the id disambiguates runs that share a name. */
export function runLabel(run: Pick<RunSummary, 'id' | 'name'>): string {
  return `${run.name} (#${run.id})`;
}

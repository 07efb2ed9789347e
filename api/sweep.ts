// Sweep expansion, shared by the backend (which queues the runs), the CLI (which checks a sweep
// before it opens the store) and the launch form (which previews them), so every preview is the
// real thing. The size is checked before anything is expanded.
import { ConfigPathError, setPath } from '../vocabulary/config-paths';
import { validateConfig, type ExperimentConfig } from '../vocabulary/experiment-config';
import { defaultRunName } from '../vocabulary/run-names';
import type { RunGraph } from '../vocabulary/run-graph';
import type { FieldError } from './contract';

export type SweepValue = number | string | boolean;

export interface SweepAxis {
  /** Dotted config path, e.g. `task.p_cot`. */
  path: string;
  values: SweepValue[];
}

/** The most runs one sweep may expand to: a request of a few KB must not allocate millions of configs. */
export const MAX_SWEEP_RUNS = 1000;

/** Every combination, first axis varying slowest. No axes -> one empty combination. */
export function crossProduct(axes: readonly SweepAxis[]): Record<string, SweepValue>[] {
  let combos: Record<string, SweepValue>[] = [{}];
  for (const axis of axes) {
    if (axis.values.length === 0) continue;
    const next: Record<string, SweepValue>[] = [];
    for (const combo of combos) for (const value of axis.values) next.push({ ...combo, [axis.path]: value });
    combos = next;
  }
  return combos;
}

export function sweepSize(axes: readonly SweepAxis[]): number {
  return axes.reduce((n, a) => n * Math.max(1, a.values.length), 1);
}

export type SweepExpansion =
  | { ok: true; configs: ExperimentConfig[]; combos: Record<string, SweepValue>[] }
  /** `kind` tells a sweep that is too large (or names a bad path) from one whose configs are invalid. */
  | { ok: false; kind: 'too-large' | 'bad-path' | 'invalid-config'; message: string; errors: FieldError[] };

export function sweepTooLargeMessage(size: number): string {
  return `a sweep of ${size.toLocaleString('en-US')} runs exceeds the cap of ${MAX_SWEEP_RUNS.toLocaleString('en-US')} runs per sweep`;
}

/**
 * The base config with each combination applied, every one validated: either all configs, or the
 * field errors of every bad combination (labelled with its values), so one bad value queues nothing.
 * `fieldPrefix` names the axes in errors about their paths (`sweep` -> `sweep.1.path`).
 */
export function expandSweep(base: unknown, axes: readonly SweepAxis[], fieldPrefix = 'sweep'): SweepExpansion {
  const size = sweepSize(axes);
  if (size > MAX_SWEEP_RUNS) {
    const message = sweepTooLargeMessage(size);
    return { ok: false, kind: 'too-large', message, errors: [{ path: fieldPrefix, message }] };
  }
  const pathErrors: FieldError[] = [];
  axes.forEach((axis, i) => {
    try {
      setPath({}, axis.path, null);
    } catch (err) {
      if (!(err instanceof ConfigPathError)) throw err;
      pathErrors.push({ path: `${fieldPrefix}.${i}.path`, message: err.message });
    }
  });
  if (pathErrors.length) return { ok: false, kind: 'bad-path', message: pathErrors.map((e) => e.message).join('; '), errors: pathErrors };

  const combos = crossProduct(axes);
  const configs: ExperimentConfig[] = [];
  const errors: FieldError[] = [];
  for (const combo of combos) {
    let input = base ?? {};
    for (const [path, value] of Object.entries(combo)) input = setPath(input, path, value);
    const checked = validateConfig(input);
    const label = Object.entries(combo).map(([k, v]) => `${k}=${String(v)}`).join(' ');
    if (checked.ok) configs.push(checked.config);
    else for (const e of checked.errors) errors.push({ path: e.path, message: label ? `${e.message} (in ${label})` : e.message });
  }
  if (errors.length) return { ok: false, kind: 'invalid-config', message: `invalid config: ${[...new Set(errors.map((e) => e.message))].join('; ')}`, errors };
  return { ok: true, configs, combos };
}

/**
 * A sweep as a run graph of independent runs, keyed by their combination (stable across reruns of
 * the same command), named like the runs the API queues.
 */
export function sweepToGraph(configs: readonly ExperimentConfig[], combos: readonly Record<string, SweepValue>[], opts: { namePrefix?: string; tags: string[] }): RunGraph {
  return {
    runs: configs.map((config, i) => {
      const label = Object.entries(combos[i] ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(' ');
      return {
        key: `#${i + 1} ${label}`.trim(),
        name: `${opts.namePrefix ? `${opts.namePrefix} ` : ''}${defaultRunName(config)}`,
        config,
        tags: opts.tags,
        branch: null,
      };
    }),
  };
}

// Search, filter and sort of the run list, done in the renderer so typing stays instant even
// with 10k runs (the list is already in memory for the virtualized table).
import type { RunStatus, RunSummary } from '../../../api/types';
import { flattenConfig } from '../../../vocabulary/config-paths';
import { finalAccuracy, keyConfig, medianLength, progressFraction } from '../../../vocabulary/run-fields';

export interface RunFilter {
  text: string;
  statuses: RunStatus[];
  tags: string[];
}

export type SortKey =
  | 'id'
  | 'name'
  | 'status'
  | 'task'
  | 'd'
  | 'pCot'
  | 'algorithm'
  | 'temperature'
  | 'backend'
  | 'progress'
  | 'accuracy'
  | 'length'
  | 'created';

export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

/**
 * Every whitespace-separated term must match. `path=value` terms match a config value by the end
 * of its path (`p_cot=0.25`, `rl.algorithm=grpo`); other terms match name, tags, notes, status,
 * backend or `#id` as substrings.
 */
// Flattened configs, computed once per config object (the run list is replaced, not mutated).
const flatCache = new WeakMap<object, Record<string, unknown>>();
function flatOf(config: unknown): Record<string, unknown> {
  if (typeof config !== 'object' || config === null) return {};
  let flat = flatCache.get(config);
  if (!flat) flatCache.set(config, (flat = flattenConfig(config)));
  return flat;
}

export function matchesText(run: RunSummary, text: string): boolean {
  const terms = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const haystack = [run.name, run.status, run.backend ?? '', run.notes, `#${run.id}`, ...run.tags]
    .join('\n')
    .toLowerCase();
  let flat: Record<string, unknown> | null = null;
  return terms.every((term) => {
    const eq = term.indexOf('=');
    if (eq > 0) {
      const path = term.slice(0, eq);
      const want = term.slice(eq + 1);
      flat ??= flatOf(run.config);
      return Object.entries(flat).some(
        ([p, v]) => (p.toLowerCase() === path || p.toLowerCase().endsWith(`.${path}`)) && String(v).toLowerCase() === want,
      );
    }
    return haystack.includes(term);
  });
}

export function filterRuns(runs: readonly RunSummary[], filter: RunFilter): RunSummary[] {
  const statuses = new Set(filter.statuses);
  return runs.filter(
    (run) =>
      (statuses.size === 0 || statuses.has(run.status)) &&
      filter.tags.every((t) => run.tags.includes(t)) &&
      matchesText(run, filter.text),
  );
}

function sortValue(run: RunSummary, key: SortKey): number | string | null {
  switch (key) {
    case 'id':
      return run.id;
    case 'name':
      return run.name.toLowerCase();
    case 'status':
      return run.status;
    case 'backend':
      return run.backend;
    case 'progress':
      return progressFraction(run);
    case 'accuracy':
      return finalAccuracy(run);
    case 'length':
      return medianLength(run);
    case 'created':
      return run.createdAt;
    default: {
      const k = keyConfig(run.config);
      return k[key];
    }
  }
}

/** Stable sort; missing values sink to the bottom in both directions. */
export function sortRuns(runs: readonly RunSummary[], sort: Sort): RunSummary[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const keyed = runs.map((run, i) => ({ run, i, v: sortValue(run, sort.key) }));
  keyed.sort((a, b) => {
    if (a.v == null || b.v == null) return a.v == null && b.v == null ? a.i - b.i : a.v == null ? 1 : -1;
    const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v));
    return c !== 0 ? c * sign : a.i - b.i;
  });
  return keyed.map((k) => k.run);
}

export function allTags(runs: readonly RunSummary[]): string[] {
  const tags = new Set<string>();
  for (const run of runs) for (const t of run.tags) tags.add(t);
  return [...tags].sort();
}

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
  | 'seed'
  | 'duration'
  | 'created';

export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

// Flattened configs, computed once per config object (the run list is replaced, not mutated).
const flatCache = new WeakMap<object, Record<string, unknown>>();
function flatOf(config: unknown): Record<string, unknown> {
  if (typeof config !== 'object' || config === null) return {};
  let flat = flatCache.get(config);
  if (!flat) flatCache.set(config, (flat = flattenConfig(config)));
  return flat;
}

/**
 * Every whitespace-separated term must match. `path=value` terms match a config value by the end
 * of its path (`p_cot=0.25`, `rl.algorithm=grpo`); `name>x`, `>=`, `<`, `<=`, `!=` compare numbers,
 * of a config value or of a run's last metric value (`p_cot>0.3`, `greedy_acc>=0.9`: a metric is
 * named by its key, the end of its key, or the start of that end). Other terms match name, tags,
 * notes, status, backend or `#id` as substrings.
 */
export function matchesText(run: RunSummary, text: string): boolean {
  const terms = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const haystack = [run.name, run.status, run.backend ?? '', run.notes, `#${run.id}`, ...run.tags]
    .join('\n')
    .toLowerCase();
  return terms.every((term) => {
    const cmp = parseComparison(term);
    return cmp ? matchesComparison(run, cmp) : haystack.includes(term);
  });
}

type Op = '=' | '!=' | '>' | '>=' | '<' | '<=';

interface Comparison {
  name: string;
  op: Op;
  value: string;
}

const COMPARISON = /^([a-z_][\w./-]*?)(>=|<=|!=|>|<|=)(.+)$/;

export function parseComparison(term: string): Comparison | null {
  const m = COMPARISON.exec(term);
  return m ? { name: m[1], op: m[2] as Op, value: m[3] } : null;
}

function compare(v: number, op: Op, want: number): boolean {
  switch (op) {
    case '=':
      return v === want;
    case '!=':
      return v !== want;
    case '>':
      return v > want;
    case '>=':
      return v >= want;
    case '<':
      return v < want;
    case '<=':
      return v <= want;
  }
}

const byPathEnd = (path: string, name: string) => path === name || path.endsWith(`.${name}`);
/** `greedy_acc` names `eval/greedy_accuracy`: the key, its last segment, or the start of that segment. */
const byMetricName = (key: string, name: string) => {
  const k = key.toLowerCase();
  const last = k.slice(k.lastIndexOf('/') + 1);
  return k === name || last === name || last.startsWith(name);
};

function matchesComparison(run: RunSummary, { name, op, value }: Comparison): boolean {
  const want = Number(value);
  const numeric = value.trim() !== '' && Number.isFinite(want);
  const config = Object.entries(flatOf(run.config)).filter(([p]) => byPathEnd(p.toLowerCase(), name));
  if (config.length) {
    return config.some(([, v]) => {
      if (typeof v === 'number' && numeric) return compare(v, op, want);
      // Strings and booleans compare by text, for = and != only.
      if (op === '=') return String(v).toLowerCase() === value;
      if (op === '!=') return String(v).toLowerCase() !== value;
      return false;
    });
  }
  if (!numeric) return false;
  return Object.entries(run.last).some(([key, v]) => byMetricName(key, name) && Number.isFinite(v) && compare(v, op, want));
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
    case 'seed':
      return run.seed;
    case 'duration':
      return runDuration(run);
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

/** Seconds from start to finish; null while a run has not finished (or never started). */
export function runDuration(run: Pick<RunSummary, 'startedAt' | 'finishedAt'>): number | null {
  return run.startedAt != null && run.finishedAt != null ? (run.finishedAt - run.startedAt) / 1000 : null;
}

export function allTags(runs: readonly RunSummary[]): string[] {
  const tags = new Set<string>();
  for (const run of runs) for (const t of run.tags) tags.add(t);
  return [...tags].sort();
}

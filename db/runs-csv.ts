// The per-run CSV table: one row per run with its configuration flattened into `task.p_cot`-style
// columns and last/best per metric key, so a sweep pivots in pandas or R without the JSON.
import type { RunDetail } from './records';
import { StoreError } from './errors';
import { bestOf } from './summary';
import { csvField } from './transfer';

/** Leaves of a JSON value as dotted paths (`task.p_cot` -> 0.25); arrays stay JSON text. */
function flatten(value: unknown, prefix: string, out: Map<string, string | number | null>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, value === null || value === undefined ? null : typeof value === 'number' ? value : typeof value === 'string' ? value : JSON.stringify(value));
  }
}

const FIXED = ['run_id', 'run_name', 'status', 'tags', 'parent_run_id', 'backend', 'wall_time', 'seed', 'group_key'] as const;

/** What it reads of the store: runs by id (a narrow type, so this module does not import store.ts, which calls it). */
export interface RunReader {
  getRun(id: number): RunDetail | undefined;
}

export function exportRunsCsv(store: RunReader, ids: number[]): string {
  const runs: RunDetail[] = ids.map((id) => {
    const run = store.getRun(id);
    if (!run) throw new StoreError(`no run ${id}`, 'not-found');
    return run;
  });
  const configs = runs.map((r) => {
    const m = new Map<string, string | number | null>();
    flatten(r.config, '', m);
    return m;
  });
  const configCols = [...new Set(configs.flatMap((m) => [...m.keys()]))].sort();
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  const header = [...FIXED, ...configCols.map((c) => `config.${c}`), ...keys.flatMap((k) => [`${k}.last`, `${k}.best`])];
  const lines = [header.map(csvField).join(',')];
  runs.forEach((r, i) => {
    const cells: (string | number | null)[] = [r.id, r.name, r.status, r.tags.join(';'), r.parentRunId, r.backend, r.wallTime, r.seed, r.groupKey];
    for (const c of configCols) cells.push(configs[i].get(c) ?? null);
    for (const k of keys) {
      const s = r.metrics[k];
      cells.push(s ? s.lastValue ?? 'NaN' : null, s ? bestOf(k, s)?.value ?? null : null);
    }
    lines.push(cells.map(csvField).join(','));
  });
  return `${lines.join('\n')}\n`;
}

// Long-format CSV (run_id, run_name, group_key, seed, key, step, phase, value, wall_time,
// samples_seen: what `workbench export --format csv` writes, and what other trackers can be made to
// write) turned into an export bundle, so it goes through the same validation and staged import as
// JSON. Configs come from the per-run table (`config.task.p_cot` columns) when one is given; runs
// without one come in with no config. CSV carries no checkpoints or samples.
import { StoreError } from './errors';

const LONG_COLUMNS = ['run_id', 'run_name', 'group_key', 'seed', 'key', 'step', 'phase', 'value', 'wall_time', 'samples_seen'] as const;

/** RFC 4180: fields separated by commas, quoted with "..." where they hold commas, quotes or newlines. */
export function parseCsv(text: string, file: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new StoreError(`${file}: a quoted field is never closed`, 'invalid');
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** A number where the text is one, else NaN (so validation names the field). */
function num(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** A config cell back to its JSON value: numbers, booleans and JSON text as written by the export. */
function configValue(text: string): unknown {
  if (text === '') return undefined;
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return Number(text);
  if (/^[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function setDotted(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    // Own, plain properties only: a crafted column such as config.__proto__.x writes nothing shared.
    if (part === '__proto__' || part === 'prototype' || part === 'constructor') return;
    if (!Object.hasOwn(node, part) || typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1]!;
  if (last === '__proto__' || last === 'prototype' || last === 'constructor') return;
  node[last] = value;
}

/** Configs and run fields by run id from the per-run table, or an empty map. */
function runTable(text: string | null, file: string): Map<string, { config: Record<string, unknown>; status: string | null; tags: string[] }> {
  const out = new Map<string, { config: Record<string, unknown>; status: string | null; tags: string[] }>();
  if (text === null) return out;
  const [header, ...rows] = parseCsv(text, file);
  const idCol = header?.indexOf('run_id') ?? -1;
  if (!header || idCol < 0) throw new StoreError(`${file}: not a per-run table (no run_id column)`, 'invalid');
  const statusCol = header.indexOf('status');
  const tagsCol = header.indexOf('tags');
  for (const row of rows) {
    const config: Record<string, unknown> = {};
    header.forEach((col, i) => {
      if (!col.startsWith('config.')) return;
      const value = configValue(row[i] ?? '');
      if (value !== undefined) setDotted(config, col.slice('config.'.length), value);
    });
    out.set(row[idCol]!, {
      config,
      status: statusCol >= 0 ? (row[statusCol] ?? null) : null,
      tags: tagsCol >= 0 && row[tagsCol] ? row[tagsCol]!.split(';') : [],
    });
  }
  return out;
}

/** The bundle a long-format CSV (and, optionally, its per-run table) stands for. Validate it with parseBundle. */
export function csvToBundle(metricsCsv: string, file: string, runsCsv: string | null = null, runsFile = ''): unknown {
  const [header, ...rows] = parseCsv(metricsCsv, file);
  const missing = LONG_COLUMNS.filter((c) => !header?.includes(c));
  if (!header || missing.length) throw new StoreError(`${file}: not a long-format metrics CSV (missing columns ${missing.join(', ')})`, 'invalid');
  const col = Object.fromEntries(LONG_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof LONG_COLUMNS)[number], number>;
  const table = runTable(runsCsv, runsFile);
  type Series = { key: string; step: number[]; phase: string[]; value: (number | string | null)[]; wallTime: number[]; samplesSeen: number[] };
  const runs = new Map<string, { id: number; name: string; groupKey: string; seed: number; series: Map<string, Series> }>();
  rows.forEach((row, i) => {
    if (row.length !== header.length) throw new StoreError(`${file} line ${i + 2}: ${row.length} fields, the header has ${header.length}`, 'invalid');
    const id = row[col.run_id]!;
    let run = runs.get(id);
    if (!run) {
      run = { id: num(id), name: row[col.run_name]!, groupKey: row[col.group_key]!, seed: num(row[col.seed]!), series: new Map() };
      runs.set(id, run);
    }
    const key = row[col.key]!;
    let s = run.series.get(key);
    if (!s) {
      s = { key, step: [], phase: [], value: [], wallTime: [], samplesSeen: [] };
      run.series.set(key, s);
    }
    const value = row[col.value]!;
    s.step.push(num(row[col.step]!));
    s.phase.push(row[col.phase]!);
    s.value.push(value === 'NaN' || value === 'Infinity' || value === '-Infinity' ? value : value === '' ? null : num(value));
    s.wallTime.push(num(row[col.wall_time]!));
    s.samplesSeen.push(num(row[col.samples_seen]!));
  });
  const now = Date.now();
  return {
    format: 'ntp-rl-workbench/runs',
    version: 1,
    schemaVersion: 1,
    exportedAt: new Date(now).toISOString(),
    runs: [...runs.entries()].map(([key, r]) => {
      const extra = table.get(key);
      // Terminal statuses stay; a run exported while it ran cannot resume here (no checkpoints).
      const status = !extra?.status ? 'completed' : ['completed', 'stopped', 'failed', 'interrupted'].includes(extra.status) ? extra.status : 'interrupted';
      return {
        id: r.id,
        name: r.name,
        status,
        createdAt: now,
        startedAt: null,
        finishedAt: null,
        config: extra ? extra.config : null,
        seed: r.seed,
        groupKey: r.groupKey,
        backend: null,
        backendVersion: null,
        threads: null,
        pid: null,
        host: null,
        parentRunId: null,
        parentCheckpointId: null,
        tags: [...new Set([...(extra?.tags ?? []), 'csv-import'])],
        notes: '',
        error: null,
        metrics: [...r.series.values()],
        samples: [],
        checkpoints: [],
      };
    }),
  };
}

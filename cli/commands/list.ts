// `workbench list`: the runs in a store with status, progress and headline metrics.
import fs from 'node:fs';
import type { StoredRunSummary as RunSummary } from '../../api/types';
import { defaultStorePath, openStoreSession, StoreError, type StoreSession } from '../service-session';
import { METRIC } from '../../vocabulary/metric-keys';
import { RUN_STATUSES as STATUSES, type RunStatus } from '../../vocabulary/runs';
import { parseFlags, UsageError } from '../args';
import { withStoreErrors } from '../store-args';

export const summary = 'list stored runs with status and key metrics (--json for an array)';

const HELP = `usage: workbench list [--db FILE] [--json] [--status S,...] [--tag TAG ...] [--search TEXT] [--limit N]

Lists runs, newest first: id, status, name, last step, final greedy and sampled accuracy,
median greedy length, sampled long share, loss, backend, tags.

  --db FILE        run store (default ${defaultStorePath()})
  --json           print a JSON array of runs (config, progress and metric summaries)
  --status S,...   only these statuses (${STATUSES.join(', ')})
  --tag TAG        only runs with this tag (repeatable: all must match)
  --search TEXT    name, notes or tags containing TEXT, or an exact id
  --limit N        at most N runs
`;

const COLUMNS: { title: string; key?: string; cell: (r: RunSummary) => string; right?: boolean }[] = [
  { title: 'ID', cell: (r) => String(r.id), right: true },
  { title: 'STATUS', cell: (r) => r.status },
  { title: 'NAME', cell: (r) => (r.name.length > 40 ? `${r.name.slice(0, 39)}…` : r.name) },
  { title: 'STEP', cell: (r) => (r.lastStep === null ? '-' : String(r.lastStep)), right: true },
  { title: 'GREEDY ACC', key: METRIC.greedyAccuracy, cell: () => '', right: true },
  { title: 'SAMPLED ACC', key: METRIC.sampledAccuracy, cell: () => '', right: true },
  { title: 'MED LEN', key: METRIC.greedyLengthMedian, cell: () => '', right: true },
  { title: 'LONG SHARE', key: METRIC.sampledLongShare, cell: () => '', right: true },
  { title: 'LOSS', key: METRIC.loss, cell: () => '', right: true },
  { title: 'BACKEND', cell: (r) => r.backend ?? '-' },
  { title: 'TAGS', cell: (r) => r.tags.join(',') },
];

function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(3);
}

export function formatTable(runs: RunSummary[]): string {
  const cells = runs.map((r) => COLUMNS.map((c) => (c.key ? formatNumber(r.metrics[c.key]?.lastValue) : c.cell(r))));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row.map((v, i) => (COLUMNS[i].right ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(COLUMNS.map((c) => c.title)), ...cells.map(line)].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  return withStoreErrors('list', async () => {
    const { values } = parseFlags(argv, {
      db: { type: 'string' },
      json: { type: 'boolean' },
      status: { type: 'string' },
      tag: { type: 'string', multiple: true },
      search: { type: 'string' },
      limit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const status = values.status?.split(',').map((s) => s.trim()) ?? [];
    for (const s of status) if (!STATUSES.includes(s as RunStatus)) throw new UsageError(`unknown status '${s}' (one of ${STATUSES.join(', ')})`);
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`--limit takes a positive integer, got '${values.limit}'`);

    const file = values.db ?? defaultStorePath();
    if (!fs.existsSync(file)) {
      if (values.json) process.stdout.write('[]\n');
      else process.stderr.write(`no runs yet: ${file} does not exist\n`);
      return 0;
    }
    // Listing only reads: it never creates, migrates or marks runs (a write open does those),
    // and it refuses a damaged file rather than show what a broken page says.
    let session: StoreSession;
    try {
      session = await openStoreSession(file, 'read', 'workbench list');
    } catch (err) {
      if (!(err instanceof StoreError && err.code === 'empty')) throw err;
      if (values.json) process.stdout.write('[]\n');
      else process.stderr.write(`no runs yet: ${err.message}\n`);
      return 0;
    }
    try {
      const runs = await session.api.runs.records({ status: status as RunStatus[], tags: values.tag, text: values.search, limit });
      if (values.json) {
        process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      } else if (runs.length === 0) {
        process.stderr.write(`no runs match in ${file}\n`);
      } else {
        process.stdout.write(`${formatTable(runs)}\n`);
      }
      return 0;
    } finally {
      await session.close();
    }
  });
}

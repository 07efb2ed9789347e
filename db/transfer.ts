// Export of runs to a JSON bundle or long-format CSV, and import of bundles into another
// store under new ids (parent links remapped). This is how runs from other machines come home.
import { z } from 'zod';
import type Database from 'better-sqlite3';
import { PHASES, RUN_STATUSES, SAMPLE_KINDS } from '../vocabulary/runs';
import type { Checkpoint, RunDetail, SampleRecord } from './records';
import type { MetricRow, Phase } from './types';
import { SeriesWriter, type KeyIndex } from './series-writer';
import { StoreError } from './errors';
import { LATEST_VERSION } from './schema';
import { stmt } from './statements';

/** What export and import need of a store: an interface here, so this module does not import store.ts back. */
export interface TransferStore {
  readonly db: Database.Database;
  readonly keys: KeyIndex;
  getRun(id: number): RunDetail | undefined;
  getCheckpoint(id: number): Checkpoint | undefined;
  listSamples(runId: number, opts?: { limit?: number }): SampleRecord[];
}

const phase = z.enum(PHASES);
/** JSON has no NaN or infinities: they travel as strings. SQLite stores NaN as null. */
const metricValue = z.union([z.number(), z.null(), z.enum(['NaN', 'Infinity', '-Infinity'])]);

const seriesSchema = z
  .object({
    key: z.string(),
    step: z.array(z.number()),
    phase: z.array(phase),
    value: z.array(metricValue),
    wallTime: z.array(z.number()),
    samplesSeen: z.array(z.number()),
  })
  .refine(
    (s) => [s.phase, s.value, s.wallTime, s.samplesSeen].every((a) => a.length === s.step.length),
    { message: 'series arrays must have equal lengths' },
  );

const runSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  status: z.enum(RUN_STATUSES),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  config: z.unknown(),
  seed: z.number(),
  groupKey: z.string(),
  backend: z.string().nullable(),
  backendVersion: z.string().nullable(),
  threads: z.number().nullable(),
  pid: z.number().nullable(),
  host: z.string().nullable(),
  parentRunId: z.number().int().nullable(),
  parentCheckpointId: z.number().int().nullable(),
  tags: z.array(z.string()),
  notes: z.string(),
  error: z.string().nullable(),
  metrics: z.array(seriesSchema),
  samples: z.array(
    z.object({
      phase,
      step: z.number(),
      kind: z.enum(SAMPLE_KINDS),
      prompt: z.string(),
      response: z.string(),
      correct: z.boolean(),
      length: z.number(),
    }),
  ),
  checkpoints: z.array(
    z.object({
      id: z.number().int(),
      phase,
      step: z.number(),
      createdAt: z.number(),
      meta: z.unknown(),
      /** base64 */
      bytes: z.string(),
    }),
  ),
});

export const exportBundleSchema = z.object({
  format: z.literal('ntp-rl-workbench/runs'),
  version: z.literal(1),
  schemaVersion: z.number(),
  exportedAt: z.string(),
  runs: z.array(runSchema),
});

export type ExportBundle = z.infer<typeof exportBundleSchema>;
export type ExportedRun = ExportBundle['runs'][number];

function encodeValue(v: number | null): number | null | 'NaN' | 'Infinity' | '-Infinity' {
  if (v === null) return null;
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

function decodeValue(v: number | null | string): number {
  if (v === null || v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v as number;
}

function requireRuns(store: TransferStore, ids: number[]) {
  return ids.map((id) => {
    const run = store.getRun(id);
    if (!run) throw new StoreError(`no run ${id}`, 'not-found');
    return run;
  });
}

export function exportRuns(store: TransferStore, ids: number[], opts: { checkpoints: boolean }): ExportBundle {
  const db = store.db;
  const metricStmt = stmt(db, 
      `SELECT k.name, m.step, m.phase, m.value, m.wall_time, m.samples_seen FROM metrics m JOIN metric_keys k ON k.id = m.key_id
       WHERE m.run_id = ? ORDER BY k.name, m.step`,
    )
    .raw();
  const runs = requireRuns(store, ids).map((run): ExportedRun => {
    const metrics: ExportedRun['metrics'] = [];
    let cur: ExportedRun['metrics'][number] | undefined;
    for (const [key, step, ph, value, wall, samples] of metricStmt.iterate(run.id) as IterableIterator<
      [string, number, Phase, number | null, number, number]
    >) {
      if (!cur || cur.key !== key) {
        cur = { key, step: [], phase: [], value: [], wallTime: [], samplesSeen: [] };
        metrics.push(cur);
      }
      cur.step.push(step);
      cur.phase.push(ph);
      cur.value.push(encodeValue(value));
      cur.wallTime.push(wall);
      cur.samplesSeen.push(samples);
    }
    const checkpoints = opts.checkpoints
      ? run.checkpoints.map((c) => {
          const full = store.getCheckpoint(c.id)!;
          return { id: c.id, phase: c.phase, step: c.step, createdAt: c.createdAt, meta: full.meta, bytes: Buffer.from(full.bytes).toString('base64') };
        })
      : [];
    const samples = store
      .listSamples(run.id)
      .reverse()
      .map(({ phase: p, step, kind, prompt, response, correct, length }) => ({ phase: p, step, kind, prompt, response, correct, length }));
    const { metrics: _summaries, checkpoints: _ckpts, lastStep: _l, samplesSeen: _s, wallTime: _w, rlStartStep: _r, rev: _rev, ...row } = run;
    return { ...row, metrics, samples, checkpoints };
  });
  return { format: 'ntp-rl-workbench/runs', version: 1, schemaVersion: LATEST_VERSION, exportedAt: new Date().toISOString(), runs };
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Long format: one line per metric point, with run id, name, group and seed on each line. */
export function exportCsv(store: TransferStore, ids: number[]): string {
  const lines = ['run_id,run_name,group_key,seed,key,step,phase,value,wall_time,samples_seen'];
  const query = stmt(store.db, 
      `SELECT k.name, m.step, m.phase, m.value, m.wall_time, m.samples_seen FROM metrics m JOIN metric_keys k ON k.id = m.key_id
       WHERE m.run_id = ? ORDER BY k.name, m.step`,
    )
    .raw();
  for (const run of requireRuns(store, ids)) {
    const prefix = [run.id, run.name, run.groupKey, run.seed].map(csvField).join(',');
    for (const [key, step, ph, value, wall, samples] of query.iterate(run.id) as IterableIterator<
      [string, number, string, number | null, number, number]
    >) {
      lines.push(`${prefix},${csvField(key)},${step},${ph},${value === null ? 'NaN' : value},${wall},${samples}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function importBundle(store: TransferStore, input: unknown): number[] {
  const parsed = exportBundleSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StoreError(`not a workbench export: ${issue.path.join('.') || '(root)'}: ${issue.message}`, 'invalid');
  }
  const bundle = parsed.data;
  const db = store.db;
  const runIds = new Map<number, number>();
  const ckptIds = new Map<number, number>();
  const insertRun = stmt(db, 
    `INSERT INTO runs(name, status, created_at, started_at, finished_at, config, seed, group_key, backend, backend_version,
       threads, pid, host, tags, notes, error) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
  );
  const insertCkpt = stmt(db, 'INSERT INTO checkpoints(run_id, phase, step, created_at, size, meta, bytes) VALUES (?,?,?,?,?,?,?)');
  const insertSample = stmt(db, 
    'INSERT INTO samples(run_id, phase, step, kind, prompt, response, correct, length) VALUES (?,?,?,?,?,?,?,?)',
  );
  db.transaction(() => {
    for (const r of bundle.runs) {
      // No process here writes an imported run: one that was running elsewhere is not running here.
      const status = r.status === 'running' ? 'interrupted' : r.status;
      const id = Number(
        insertRun.run(
          r.name, status, r.createdAt, r.startedAt, r.finishedAt, JSON.stringify(r.config ?? null), r.seed, r.groupKey,
          r.backend, r.backendVersion, r.threads, r.pid, r.host, JSON.stringify(r.tags), r.notes, r.error,
        ).lastInsertRowid,
      );
      runIds.set(r.id, id);
      for (const c of r.checkpoints) {
        const bytes = Buffer.from(c.bytes, 'base64');
        const cid = insertCkpt.run(id, c.phase, c.step, c.createdAt, bytes.byteLength, JSON.stringify(c.meta ?? null), bytes).lastInsertRowid;
        ckptIds.set(c.id, Number(cid));
      }
      for (const s of r.samples) {
        insertSample.run(id, s.phase, s.step, s.kind, s.prompt, s.response, s.correct ? 1 : 0, s.length);
      }
      const writer = new SeriesWriter(db, store.keys, id);
      for (const s of r.metrics) {
        const rows: MetricRow[] = s.step.map((step, i) => ({
          key: s.key, step, phase: s.phase[i], value: decodeValue(s.value[i]), wallTime: s.wallTime[i], samplesSeen: s.samplesSeen[i],
        }));
        writer.write(rows);
      }
      if (r.metrics.length === 0) writer.rebuildAll();
    }
    // Parent links point into the bundle's own ids; links to runs not in the bundle are dropped.
    const link = stmt(db, 'UPDATE runs SET parent_run_id = ?, parent_checkpoint_id = ? WHERE id = ?');
    for (const r of bundle.runs) {
      const parent = r.parentRunId === null ? null : runIds.get(r.parentRunId) ?? null;
      const ckpt = r.parentCheckpointId === null ? null : ckptIds.get(r.parentCheckpointId) ?? null;
      if (parent !== null || ckpt !== null) link.run(parent, ckpt, runIds.get(r.id)!);
    }
  }).immediate();
  return bundle.runs.map((r) => runIds.get(r.id)!);
}

// Export of runs to a JSON bundle or long-format CSV, and import of bundles into another
// store under new ids (parent links remapped). This is how runs from other machines come home.
// An import never holds the write lock for long: it writes staged (hidden) runs in short
// transactions and reveals them all in one short final one.
import os from 'node:os';
import type Database from 'better-sqlite3';
import type { Checkpoint, RunDetail, SampleRecord } from './records';
import type { MetricRow, Phase } from './types';
import { SeriesWriter, type KeyIndex } from './series-writer';
import { StoreError } from './errors';
import { parseBundle, type ExportBundle, type ExportedRun } from './bundle';
import { retryBusy, sleepSync } from './busy';
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

export function csvField(v: string | number | null): string {
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

/** Rows written per import transaction: tens of milliseconds of work, so live runs barely wait. */
export const IMPORT_CHUNK_ROWS = 20_000;
/**
 * Pause between an import's transactions: longer than SQLite's longest busy-handler sleep
 * (100 ms), so a writer waiting on the lock always gets a turn instead of starving.
 */
export const IMPORT_PAUSE_MS = 110;

/** One unit of import work with its weight in rows. */
interface Job {
  rows: number;
  run(): void;
}

/** Groups jobs into transactions of about IMPORT_CHUNK_ROWS rows, pausing between them. */
function runInChunks(db: Database.Database, jobs: Iterable<Job>, chunkRows: number): void {
  let batch: Job[] = [];
  let rows = 0;
  let first = true;
  const commit = () => {
    if (!first) sleepSync(IMPORT_PAUSE_MS);
    first = false;
    const todo = batch;
    retryBusy(() => db.transaction(() => todo.forEach((j) => j.run())).immediate());
    batch = [];
    rows = 0;
  };
  for (const job of jobs) {
    batch.push(job);
    rows += job.rows;
    if (rows >= chunkRows) commit();
  }
  if (batch.length > 0) commit();
}

/** The token marking one import's staged runs: which process on which host, and when. */
export function importToken(): string {
  return `${process.pid}@${os.hostname()}:${Date.now()}`;
}

export function parseImportToken(token: string): { pid: number; host: string } | undefined {
  const m = /^(\d+)@(.*):\d+$/.exec(token);
  return m ? { pid: Number(m[1]), host: m[2] } : undefined;
}

/** Deletes the staged runs of one import, a few runs per transaction (cascades take their rows). */
export function discardStaged(db: Database.Database, token: string): number {
  let n = 0;
  for (;;) {
    const changes = retryBusy(() =>
      stmt(db, 'DELETE FROM runs WHERE id IN (SELECT id FROM runs WHERE import_stage = ? LIMIT 20)').run(token).changes,
    );
    if (changes === 0) return n;
    n += changes;
  }
}

export function importBundle(store: TransferStore, input: unknown, opts: { chunkRows?: number } = {}): number[] {
  const bundle = parseBundle(input);
  const db = store.db;
  const token = importToken();
  const runIds = new Map<number, number>();
  const ckptIds = new Map<number, number>();
  const insertRun = stmt(db, 
    `INSERT INTO runs(name, status, created_at, started_at, finished_at, config, seed, group_key, backend, backend_version,
       threads, pid, host, tags, notes, error, import_stage) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
  );
  const insertCkpt = stmt(db, 'INSERT INTO checkpoints(run_id, phase, step, created_at, size, meta, bytes) VALUES (?,?,?,?,?,?,?)');
  const insertSample = stmt(db, 
    'INSERT INTO samples(run_id, phase, step, kind, prompt, response, correct, length) VALUES (?,?,?,?,?,?,?,?)',
  );
  const chunkRows = opts.chunkRows ?? IMPORT_CHUNK_ROWS;

  function* runJobs(r: ExportedRun): Generator<Job> {
    let id = 0;
    let writer: SeriesWriter | undefined;
    yield {
      rows: 1 + r.samples.length + r.checkpoints.reduce((n, c) => n + c.bytes.length / 1000, 0),
      run() {
        // No process here writes an imported run: one that was running elsewhere is not running here.
        const status = r.status === 'running' ? 'interrupted' : r.status;
        id = Number(
          insertRun.run(
            r.name, status, r.createdAt, r.startedAt, r.finishedAt, JSON.stringify(r.config ?? null), r.seed, r.groupKey,
            r.backend, r.backendVersion, r.threads, r.pid, r.host, JSON.stringify(r.tags), r.notes, r.error, token,
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
        writer = new SeriesWriter(db, store.keys, id);
        if (r.metrics.length === 0) writer.rebuildAll();
      },
    };
    // A long series is split across transactions; the writer carries its rollups between them.
    for (const s of r.metrics) {
      for (let from = 0; from < s.step.length; from += chunkRows) {
        const to = Math.min(from + chunkRows, s.step.length);
        yield {
          rows: to - from,
          run() {
            const rows: MetricRow[] = [];
            for (let i = from; i < to; i++) {
              rows.push({ key: s.key, step: s.step[i], phase: s.phase[i], value: decodeValue(s.value[i]), wallTime: s.wallTime[i], samplesSeen: s.samplesSeen[i] });
            }
            writer!.write(rows);
          },
        };
      }
    }
  }

  function* jobs(): Generator<Job> {
    for (const r of bundle.runs) yield* runJobs(r);
    // Parent links point into the bundle's own ids; links to runs not in the bundle are dropped.
    const link = stmt(db, 'UPDATE runs SET parent_run_id = ?, parent_checkpoint_id = ? WHERE id = ?');
    for (const r of bundle.runs) {
      yield {
        rows: 1,
        run() {
          const parent = r.parentRunId === null ? null : runIds.get(r.parentRunId) ?? null;
          const ckpt = r.parentCheckpointId === null ? null : ckptIds.get(r.parentCheckpointId) ?? null;
          if (parent !== null || ckpt !== null) link.run(parent, ckpt, runIds.get(r.id)!);
        },
      };
    }
  }

  try {
    runInChunks(db, jobs(), chunkRows);
    // The reveal: every run appears at once, or (on a crash before this) none does.
    retryBusy(() => db.transaction(() => stmt(db, 'UPDATE runs SET import_stage = NULL WHERE import_stage = ?').run(token)).immediate());
  } catch (err) {
    discardStaged(db, token);
    throw err;
  }
  return bundle.runs.map((r) => runIds.get(r.id)!);
}

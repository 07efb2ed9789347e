// RunStore: one connection to a run store file. Write connections create runs and hand out
// recorders (one per run, each in its own process); read-only connections serve the UI.
import fs from 'node:fs';
import os from 'node:os';
import type Database from 'better-sqlite3';
import type { RunRecorder, RunStatus } from './types';
import type {
  Checkpoint, CheckpointInfo, CreateRunInput, GroupSeries, GroupSeriesQuery, RunDetail, RunFilter, RunRow,
  RunSummary, SampleRecord, Series, SeriesQuery,
} from './records';
import type { KeySummary } from './rollup';
import { openDatabase, type OpenOptions } from './open';
import { StoreError } from './errors';
import { KeyIndex, SeriesWriter, summaryFromRow } from './series-writer';
import { StoreRecorder } from './recorder';
import { RunLister } from './run-list';
import { SeriesCache } from './series-cache';
import { groupSeries, seriesOnAxes } from './queries';
import type { XAxis } from './rollup';
import { discardStaged, exportCsv, exportRuns, importBundle, parseImportToken } from './transfer';
import type { ExportBundle } from './bundle';
import { exportRunsCsv } from './runs-csv';
import { stmt } from './statements';

interface RunDbRow {
  id: number; name: string; status: RunStatus; created_at: number; started_at: number | null;
  finished_at: number | null; config: string; seed: number; group_key: string; backend: string | null;
  backend_version: string | null; threads: number | null; pid: number | null; host: string | null;
  parent_run_id: number | null; parent_checkpoint_id: number | null; tags: string; notes: string;
  error: string | null; last_step: number | null; samples_seen: number | null; wall_time: number | null;
  rl_start_step: number | null;
  rev: number;
}

export function runFromRow(r: RunDbRow): RunRow {
  return {
    id: r.id, name: r.name, status: r.status, createdAt: r.created_at, startedAt: r.started_at,
    finishedAt: r.finished_at, config: JSON.parse(r.config), seed: r.seed, groupKey: r.group_key,
    backend: r.backend, backendVersion: r.backend_version, threads: r.threads, pid: r.pid, host: r.host,
    parentRunId: r.parent_run_id, parentCheckpointId: r.parent_checkpoint_id, tags: JSON.parse(r.tags),
    notes: r.notes, error: r.error, lastStep: r.last_step, samplesSeen: r.samples_seen, wallTime: r.wall_time,
    rlStartStep: r.rl_start_step, rev: r.rev,
  };
}

/** Every x axis a series is read on at once (see SeriesCache). */
const X_AXES: readonly XAxis[] = ['step', 'samples', 'wall'];
const TERMINAL: readonly RunStatus[] = ['completed', 'stopped', 'failed', 'interrupted'];

/** True unless we know the process is gone (same host, no such pid, or a zombie). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // A killed child that its parent has not reaped yet still answers kill(0).
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

export class RunStore {
  readonly db: Database.Database;
  readonly keys: KeyIndex;
  /** Copy of the file taken before a migration on this open, if any. */
  readonly backupPath: string | undefined;
  private readonly recorders = new Map<number, StoreRecorder>();
  private readonly lister: RunLister;
  private readonly seriesCache: SeriesCache;

  constructor(
    readonly path: string,
    readonly readonly: boolean,
    opened: { db: Database.Database; backup?: string },
  ) {
    this.db = opened.db;
    this.backupPath = opened.backup;
    this.keys = new KeyIndex(this.db);
    this.lister = new RunLister(this.db, this.keys);
    this.seriesCache = new SeriesCache(this.db);
  }

  /** Flushes recorders that were not finished (best effort), then closes the connection. */
  close(): void {
    for (const r of this.recorders.values()) {
      try {
        if (!r.closed) r.flush();
      } catch {
        // closing anyway: what could not be written is lost, as in a crash
      }
      r.close();
    }
    this.recorders.clear();
    if (this.db.open) this.db.close();
  }

  // ---- runs --------------------------------------------------------------------------------

  createRun(input: CreateRunInput): number {
    const info = stmt(this.db, 
        `INSERT INTO runs(name, status, created_at, config, seed, group_key, parent_run_id, parent_checkpoint_id, tags, notes)
         VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.name, Date.now(), JSON.stringify(input.config ?? null), input.seed, input.groupKey,
        input.parentRunId ?? null, input.parentCheckpointId ?? null, JSON.stringify(input.tags ?? []), input.notes ?? '',
      );
    return Number(info.lastInsertRowid);
  }

  /** The writer of one run. Only one process may record a given run. */
  recorder(runId: number): RunRecorder {
    if (this.readonly) throw new StoreError('a read-only store cannot record runs', 'invalid');
    if (!this.runExists(runId)) throw new StoreError(`no run ${runId}`, 'not-found');
    this.recorders.get(runId)?.close();
    const r = new StoreRecorder(this.db, this.keys, runId);
    this.recorders.set(runId, r);
    return r;
  }

  private runExists(id: number): boolean {
    return stmt(this.db, 'SELECT 1 FROM runs WHERE id = ? AND import_stage IS NULL').get(id) !== undefined;
  }

  getRun(id: number): RunDetail | undefined {
    const row = stmt(this.db, 'SELECT * FROM runs WHERE id = ? AND import_stage IS NULL').get(id) as RunDbRow | undefined;
    if (!row) return undefined;
    const metrics: Record<string, KeySummary> = {};
    for (const s of stmt(this.db, 'SELECT * FROM run_summary WHERE run_id = ?').all(id) as (Parameters<typeof summaryFromRow>[0] & { key_id: number })[]) {
      metrics[this.keys.nameOf(s.key_id)] = summaryFromRow(s);
    }
    return { ...runFromRow(row), metrics, checkpoints: this.listCheckpoints(id) };
  }

  /** Runs matching the filter, newest first, with summaries of `filter.summaryKeys`. Read-only snapshots. */
  listRuns(filter: RunFilter = {}): RunSummary[] {
    return this.lister.list(filter);
  }

  setStatus(id: number, status: RunStatus, error?: string): void {
    const now = Date.now();
    const info = stmt(this.db, 
        `UPDATE runs SET status = ?, error = ?,
           started_at = CASE WHEN ? = 'running' THEN coalesce(started_at, ?) ELSE started_at END,
           finished_at = CASE WHEN ? THEN ? ELSE NULL END
         WHERE id = ?`,
      )
      .run(status, error ?? null, status, now, TERMINAL.includes(status) ? 1 : 0, now, id);
    if (info.changes === 0) throw new StoreError(`no run ${id}`, 'not-found');
  }

  updateRun(id: number, patch: { name?: string; tags?: string[]; notes?: string }): void {
    const info = stmt(this.db, 'UPDATE runs SET name = coalesce(?, name), tags = coalesce(?, tags), notes = coalesce(?, notes) WHERE id = ?')
      .run(patch.name ?? null, patch.tags ? JSON.stringify(patch.tags) : null, patch.notes ?? null, id);
    if (info.changes === 0) throw new StoreError(`no run ${id}`, 'not-found');
  }

  /** Links a run to the run and checkpoint it started from (runs collected from elsewhere arrive unlinked). */
  setParent(id: number, parentRunId: number | null, parentCheckpointId: number | null): void {
    const info = stmt(this.db, 'UPDATE runs SET parent_run_id = ?, parent_checkpoint_id = ? WHERE id = ?').run(parentRunId, parentCheckpointId, id);
    if (info.changes === 0) throw new StoreError(`no run ${id}`, 'not-found');
  }

  /** Deletes a run with its metrics, samples and checkpoints; runs branched from it keep going, unlinked. */
  deleteRun(id: number): void {
    this.recorders.get(id)?.close();
    this.recorders.delete(id);
    stmt(this.db, 'DELETE FROM runs WHERE id = ?').run(id);
  }

  /** Runs left 'running' by a process on this host that no longer exists become 'interrupted'. */
  markStaleRunsInterrupted(): number {
    if (this.readonly) return 0;
    const host = os.hostname();
    const running = stmt(this.db, `SELECT id, pid, host FROM runs WHERE status = 'running'`).all() as { id: number; pid: number | null; host: string | null }[];
    const update = stmt(this.db, 
      `UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? WHERE id = ? AND status = 'running'`,
    );
    let n = 0;
    for (const r of running) {
      if (r.pid === null || r.host !== host || r.pid === process.pid || processAlive(r.pid)) continue;
      n += update.run(Date.now(), `writer process ${r.pid} ended without finishing the run`, r.id).changes;
    }
    return n;
  }

  /**
   * Deletes what imports that crashed left staged (hidden) on this host. Imports on other hosts,
   * or by processes still alive, are left alone (`workbench check` reports them).
   */
  cleanStaleImports(): number {
    if (this.readonly) return 0;
    const tokens = stmt(this.db, 'SELECT DISTINCT import_stage FROM runs WHERE import_stage IS NOT NULL').pluck().all() as string[];
    let n = 0;
    for (const token of tokens) {
      const who = parseImportToken(token);
      if (!who || who.host !== os.hostname() || who.pid === process.pid || processAlive(who.pid)) continue;
      n += discardStaged(this.db, token);
    }
    return n;
  }

  /**
   * Prepares an interrupted (or stopped/failed) run to continue from a checkpoint: everything
   * logged after the checkpoint's step is dropped and the run is queued again. Without a
   * checkpoint the run restarts from scratch. Returns the checkpoint resumed from.
   */
  prepareResume(runId: number, checkpointId?: number): CheckpointInfo | undefined {
    if (!this.runExists(runId)) throw new StoreError(`no run ${runId}`, 'not-found');
    const ckpt = checkpointId === undefined ? this.latestCheckpoint(runId) : this.checkpointInfo(checkpointId);
    if (ckpt && ckpt.runId !== runId) throw new StoreError(`checkpoint ${ckpt.id} is not from run ${runId}`, 'invalid');
    this.truncateAndRequeue(runId, ckpt ? ckpt.step : -Infinity);
    return ckpt;
  }

  /** Queues a run to train again from step 0: every metric, sample and checkpoint it logged is dropped. */
  prepareRestart(runId: number): void {
    if (!this.runExists(runId)) throw new StoreError(`no run ${runId}`, 'not-found');
    this.truncateAndRequeue(runId, -Infinity);
  }

  private truncateAndRequeue(runId: number, after: number): void {
    this.db.transaction(() => {
      stmt(this.db, 'DELETE FROM metrics WHERE run_id = ? AND step > ?').run(runId, after);
      stmt(this.db, 'DELETE FROM samples WHERE run_id = ? AND step > ?').run(runId, after);
      stmt(this.db, 'DELETE FROM checkpoints WHERE run_id = ? AND step > ?').run(runId, after);
      new SeriesWriter(this.db, this.keys, runId).rebuildAll();
      stmt(this.db, `UPDATE runs SET status = 'queued', finished_at = NULL, error = NULL WHERE id = ?`).run(runId);
    }).immediate();
  }

  // ---- checkpoints and samples -------------------------------------------------------------

  listCheckpoints(runId: number): CheckpointInfo[] {
    return stmt(this.db, 'SELECT id, run_id AS runId, phase, step, created_at AS createdAt, size FROM checkpoints WHERE run_id = ? ORDER BY step, id')
      .all(runId) as CheckpointInfo[];
  }

  private checkpointInfo(id: number): CheckpointInfo | undefined {
    return stmt(this.db, 'SELECT id, run_id AS runId, phase, step, created_at AS createdAt, size FROM checkpoints WHERE id = ?')
      .get(id) as CheckpointInfo | undefined;
  }

  getCheckpoint(id: number): Checkpoint | undefined {
    const row = stmt(this.db, 'SELECT id, run_id AS runId, phase, step, created_at AS createdAt, size, meta, bytes FROM checkpoints WHERE id = ?')
      .get(id) as (CheckpointInfo & { meta: string; bytes: Buffer }) | undefined;
    if (!row) return undefined;
    return { ...row, bytes: new Uint8Array(row.bytes), meta: JSON.parse(row.meta) };
  }

  latestCheckpoint(runId: number): CheckpointInfo | undefined {
    return stmt(this.db, 'SELECT id, run_id AS runId, phase, step, created_at AS createdAt, size FROM checkpoints WHERE run_id = ? ORDER BY step DESC, id DESC LIMIT 1')
      .get(runId) as CheckpointInfo | undefined;
  }

  /** Newest first. */
  listSamples(runId: number, opts: { limit?: number; phase?: 'ntp' | 'rl'; kind?: SampleRecord['kind']; step?: number } = {}): SampleRecord[] {
    const rows = stmt(this.db, 
        `SELECT id, run_id AS runId, phase, step, kind, prompt, response, correct, length FROM samples
         WHERE run_id = ? AND (? IS NULL OR phase = ?) AND (? IS NULL OR kind = ?) AND (? IS NULL OR step = ?)
         ORDER BY step DESC, id DESC LIMIT ?`,
      )
      .all(runId, opts.phase ?? null, opts.phase ?? null, opts.kind ?? null, opts.kind ?? null, opts.step ?? null, opts.step ?? null, opts.limit ?? -1) as (Omit<SampleRecord, 'correct'> & { correct: number })[];
    return rows.map((r) => ({ ...r, correct: r.correct === 1 }));
  }

  /** Steps that logged samples, newest first. */
  sampleSteps(runId: number): number[] {
    return (stmt(this.db, 'SELECT DISTINCT step FROM samples WHERE run_id = ? ORDER BY step DESC').all(runId) as { step: number }[]).map((r) => r.step);
  }

  // ---- series ------------------------------------------------------------------------------

  /** One series per (run, key), in query order. Returned objects are shared snapshots: read-only. */
  series(q: SeriesQuery): Series[] {
    return this.seriesCache.get(q, (missing) => seriesOnAxes(this.db, this.keys, missing, X_AXES));
  }

  groupSeries(q: GroupSeriesQuery): GroupSeries[] {
    const runIds =
      'runIds' in q
        ? q.runIds
        : (stmt(this.db, 'SELECT id FROM runs WHERE group_key = ? AND import_stage IS NULL ORDER BY id').pluck().all(q.groupKey) as number[]);
    return groupSeries(this.db, this.keys, runIds, q.keys, q.maxPoints);
  }

  // ---- export / import ---------------------------------------------------------------------

  exportRuns(ids: number[], opts: { checkpoints: boolean }): ExportBundle {
    return exportRuns(this, ids, opts);
  }

  exportCsv(ids: number[]): string {
    return exportCsv(this, ids);
  }

  /** One row per run: config flattened, last/best per metric key (db/runs-csv.ts). */
  exportRunsCsv(ids: number[]): string {
    return exportRunsCsv(this, ids);
  }

  /** Adds the bundle's runs under new ids; returns them in bundle order. */
  importBundle(bundle: unknown, opts: { chunkRows?: number } = {}): number[] {
    if (this.readonly) throw new StoreError('a read-only store cannot import', 'invalid');
    return importBundle(this, bundle, opts);
  }

  /** Every run id, oldest first. */
  allRunIds(): number[] {
    return stmt(this.db, 'SELECT id FROM runs WHERE import_stage IS NULL ORDER BY id').pluck().all() as number[];
  }
}

/** Opens (creating and migrating if needed) a run store. Write opens also mark dead runs interrupted. */
export function openStore(file: string, opts: OpenOptions = {}): RunStore {
  const opened = openDatabase(file, opts);
  const store = new RunStore(file, opts.readonly ?? false, opened);
  if (!store.readonly) {
    store.markStaleRunsInterrupted();
    store.cleanStaleImports();
  }
  return store;
}

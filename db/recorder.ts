// The single writer of one run. Metrics and samples are buffered and written in one
// transaction at least every second, so a crash loses at most the last second.
import os from 'node:os';
import type Database from 'better-sqlite3';
import type { CheckpointInput, MetricRow, RunRecorder, RunStatus, RuntimeInfo, SampleRow } from './types';
import { KeyIndex, SeriesWriter } from './series-writer';
import { stmt } from './statements';
import { retryBusy } from './busy';

export const FLUSH_INTERVAL_MS = 1000;
/** Also flush when this many rows wait, to bound memory and transaction size. */
export const FLUSH_ROWS = 20_000;

export class StoreRecorder implements RunRecorder {
  private metricBuf: MetricRow[] = [];
  private sampleBuf: SampleRow[] = [];
  private lastFlush = Date.now();
  private readonly timer: NodeJS.Timeout;
  private readonly writer: SeriesWriter;
  private readonly insertSample: Database.Statement;
  /** A failure in a timer flush, rethrown to the caller at its next call. */
  private failure: unknown;
  private done = false;

  constructor(
    private readonly db: Database.Database,
    keys: KeyIndex,
    readonly runId: number,
  ) {
    this.writer = new SeriesWriter(db, keys, runId);
    this.insertSample = stmt(db, 
      'INSERT INTO samples(run_id, phase, step, kind, prompt, response, correct, length) VALUES (?,?,?,?,?,?,?,?)',
    );
    this.timer = setInterval(() => {
      try {
        if (Date.now() - this.lastFlush >= FLUSH_INTERVAL_MS) this.flush();
      } catch (err) {
        this.failure = err;
      }
    }, FLUSH_INTERVAL_MS / 4);
    this.timer.unref();
  }

  markRunning(info: RuntimeInfo): void {
    this.check();
    retryBusy(() => stmt(this.db, 
        `UPDATE runs SET status = 'running', started_at = coalesce(started_at, ?), finished_at = NULL, error = NULL,
           backend = ?, backend_version = ?, threads = ?, pid = ?, host = ? WHERE id = ?`,
      )
      .run(Date.now(), info.backend, info.backendVersion, info.threads, info.pid, os.hostname(), this.runId));
  }

  metrics(rows: MetricRow[]): void {
    this.check();
    for (const r of rows) this.metricBuf.push(r);
    this.maybeFlush();
  }

  samples(rows: SampleRow[]): void {
    this.check();
    for (const r of rows) this.sampleBuf.push(r);
    this.maybeFlush();
  }

  checkpoint(c: CheckpointInput): number {
    this.check();
    let id = 0;
    this.transact(() => {
      this.writeBuffers();
      id = Number(
        stmt(this.db, 'INSERT INTO checkpoints(run_id, phase, step, created_at, size, meta, bytes) VALUES (?,?,?,?,?,?,?)')
          .run(this.runId, c.phase, c.step, Date.now(), c.bytes.byteLength, JSON.stringify(c.meta ?? null), Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength))
          .lastInsertRowid,
      );
    });
    return id;
  }

  finish(status: Exclude<RunStatus, 'queued' | 'running'>, error?: string): void {
    this.check();
    this.transact(() => {
      this.writeBuffers();
      stmt(this.db, 'UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE id = ?')
        .run(status, Date.now(), error ?? null, this.runId);
    });
    this.close();
  }

  flush(): void {
    this.check();
    if (this.metricBuf.length === 0 && this.sampleBuf.length === 0) {
      this.lastFlush = Date.now();
      return;
    }
    this.transact(() => this.writeBuffers());
  }

  /** Stops the flush timer without writing (finish() calls it). */
  get closed(): boolean {
    return this.done;
  }

  close(): void {
    this.done = true;
    clearInterval(this.timer);
  }

  private maybeFlush(): void {
    if (this.metricBuf.length + this.sampleBuf.length >= FLUSH_ROWS || Date.now() - this.lastFlush >= FLUSH_INTERVAL_MS) {
      this.flush();
    }
  }

  /**
   * Runs fn in an immediate transaction, waiting out other processes' write locks (an import, a
   * migration) instead of failing the run; on failure the buffers stay for the next attempt.
   */
  private transact(fn: () => void): void {
    const metrics = this.metricBuf;
    const samples = this.sampleBuf;
    try {
      retryBusy(() => {
        try {
          this.db.transaction(fn).immediate();
        } catch (err) {
          this.metricBuf = metrics;
          this.sampleBuf = samples;
          this.writer.forget();
          throw err;
        }
      });
    } catch (err) {
      this.metricBuf = metrics.concat(this.metricBuf === metrics ? [] : this.metricBuf);
      this.sampleBuf = samples.concat(this.sampleBuf === samples ? [] : this.sampleBuf);
      this.writer.forget(); // its in-memory summaries saw rows that were rolled back
      throw err;
    }
    this.lastFlush = Date.now();
  }

  /** Inside a transaction. */
  private writeBuffers(): void {
    this.writer.write(this.metricBuf);
    for (const s of this.sampleBuf) {
      this.insertSample.run(this.runId, s.phase, s.step, s.kind, s.prompt, s.response, s.correct ? 1 : 0, s.length);
    }
    this.metricBuf = [];
    this.sampleBuf = [];
  }

  private check(): void {
    if (this.failure !== undefined) {
      const err = this.failure;
      this.failure = undefined;
      throw err;
    }
    if (this.done) throw new Error(`recorder of run ${this.runId} is closed`);
  }
}

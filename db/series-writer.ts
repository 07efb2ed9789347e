// Writes metric rows of one run together with their summaries and rollup tiles, inside the
// caller's transaction. The fast path assumes steps grow per key (what a trainer logs); a row
// at or before a key's last step (resume, re-log) is upserted and that key is rebuilt.
import type Database from 'better-sqlite3';
import type { MetricRow } from './types';
import { KeyRollup, fullTile, tileToBlob, type KeySummary, type Tile } from './rollup';
import { stmt } from './statements';

/** Interned metric names, shared by everything using one connection. */
export class KeyIndex {
  private readonly ids = new Map<string, number>();
  private readonly names = new Map<number, string>();
  private readonly insert: Database.Statement;
  private readonly select: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insert = stmt(db, 'INSERT OR IGNORE INTO metric_keys(name) VALUES (?)');
    this.select = stmt(db, 'SELECT id FROM metric_keys WHERE name = ?').pluck();
  }

  /** Id of a key, creating it (write connections only). */
  idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.find(name) ?? (this.insert.run(name), this.find(name)!);
    }
    return id;
  }

  /** Id of a key if it exists. */
  find(name: string): number | undefined {
    const cached = this.ids.get(name);
    if (cached !== undefined) return cached;
    const id = this.select.get(name) as number | undefined;
    if (id !== undefined) this.remember(name, id);
    return id;
  }

  nameOf(id: number): string {
    let name = this.names.get(id);
    if (name === undefined) {
      name = stmt(this.db, 'SELECT name FROM metric_keys WHERE id = ?').pluck().get(id) as string;
      this.remember(name, id);
    }
    return name;
  }

  private remember(name: string, id: number): void {
    this.ids.set(name, id);
    this.names.set(id, name);
  }
}

interface SummaryRow {
  count: number; first_step: number; last_step: number; last_value: number | null;
  min_value: number | null; min_step: number | null; max_value: number | null; max_step: number | null;
}

export function summaryFromRow(r: SummaryRow): KeySummary {
  return {
    count: r.count, firstStep: r.first_step, lastStep: r.last_step, lastValue: r.last_value,
    min: r.min_value, minStep: r.min_step, max: r.max_value, maxStep: r.max_step,
  };
}

const BATCH = 100; // rows per multi-row INSERT: fewer statement calls, much faster ingest

export class SeriesWriter {
  private readonly rollups = new Map<number, KeyRollup>();
  private readonly insertOne: Database.Statement;
  private readonly insertMany: Database.Statement;
  private readonly upsertOne: Database.Statement;
  private readonly putTile: Database.Statement;
  private readonly putSummary: Database.Statement;
  private readonly updateProgress: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly keys: KeyIndex,
    readonly runId: number,
  ) {
    const cols = 'INSERT INTO metrics(run_id, key_id, step, phase, value, wall_time, samples_seen) VALUES ';
    const tuple = '(?,?,?,?,?,?,?)';
    this.insertOne = stmt(db, cols + tuple);
    this.insertMany = stmt(db, cols + Array(BATCH).fill(tuple).join(','));
    this.upsertOne = stmt(db, 
      cols + tuple +
        ' ON CONFLICT(run_id, key_id, step) DO UPDATE SET phase = excluded.phase, value = excluded.value,' +
        ' wall_time = excluded.wall_time, samples_seen = excluded.samples_seen',
    );
    this.putTile = stmt(db, 'INSERT INTO metric_tiles(run_id, key_id, level, tile, data) VALUES (?,?,?,?,?)' +
        ' ON CONFLICT(run_id, key_id, level, tile) DO UPDATE SET data = excluded.data');
    this.putSummary = stmt(db, 
      'INSERT OR REPLACE INTO run_summary(run_id, key_id, count, first_step, last_step, last_value, min_value, min_step, max_value, max_step)' +
        ' VALUES (?,?,?,?,?,?,?,?,?,?)',
    );
    this.updateProgress = stmt(db, `
      UPDATE runs SET
        samples_seen = CASE WHEN last_step IS NULL OR @step >= last_step THEN @samples ELSE samples_seen END,
        last_step = max(coalesce(last_step, @step), @step),
        wall_time = max(coalesce(wall_time, @wall), @wall),
        rl_start_step = CASE WHEN @rl IS NULL THEN rl_start_step ELSE min(coalesce(rl_start_step, @rl), @rl) END
      WHERE id = @id`);
  }

  private rollupOf(keyId: number): KeyRollup {
    let r = this.rollups.get(keyId);
    if (!r) {
      const row = stmt(this.db, 'SELECT * FROM run_summary WHERE run_id = ? AND key_id = ?')
        .get(this.runId, keyId) as SummaryRow | undefined;
      // The newest tile of each level, so appends extend it rather than overwrite it.
      const tiles = (
        stmt(this.db, 
            `SELECT level, tile, data FROM metric_tiles t WHERE run_id = @run AND key_id = @key
               AND tile = (SELECT max(tile) FROM metric_tiles WHERE run_id = @run AND key_id = @key AND level = t.level)`,
          )
          .all({ run: this.runId, key: keyId }) as { level: number; tile: number; data: Buffer }[]
      ).map((t): Tile => fullTile(t.level, t.tile, t.data));
      r = new KeyRollup(row ? summaryFromRow(row) : undefined, tiles);
      this.rollups.set(keyId, r);
    }
    return r;
  }

  /** Drops cached state (after a rolled-back transaction); it is reloaded from the database. */
  forget(): void {
    this.rollups.clear();
  }

  /** Writes rows; call inside a transaction. */
  write(rows: readonly MetricRow[]): void {
    if (rows.length === 0) return;
    const stale = new Set<number>();
    const touched = new Set<number>();
    const pending: unknown[] = [];
    let top: MetricRow | undefined;
    let rlStart: number | null = null;
    // Grouping by key turns 20 interleaved insertion points in the (run, key, step) B-tree
    // into sequential appends; each key's own order is kept.
    const byKey = new Map<number, MetricRow[]>();
    for (const m of rows) {
      const keyId = this.keys.idOf(m.key);
      const group = byKey.get(keyId);
      if (group) group.push(m); else byKey.set(keyId, [m]);
      if (!top || m.step >= top.step) top = m;
      if (m.phase === 'rl' && (rlStart === null || m.step < rlStart)) rlStart = m.step;
    }
    for (const [keyId, group] of byKey) {
      const rollup = this.rollupOf(keyId);
      touched.add(keyId);
      for (const m of group) {
        const value = Number.isNaN(m.value) ? null : m.value;
        if (!stale.has(keyId) && m.step > rollup.lastStep) {
          rollup.add(m.step, value, m.samplesSeen, m.wallTime);
          pending.push(this.runId, keyId, m.step, m.phase, value, m.wallTime, m.samplesSeen);
          if (pending.length === BATCH * 7) {
            this.insertMany.run(pending);
            pending.length = 0;
          }
        } else {
          this.flushPending(pending);
          this.upsertOne.run(this.runId, keyId, m.step, m.phase, value, m.wallTime, m.samplesSeen);
          stale.add(keyId);
        }
      }
    }
    this.flushPending(pending);

    for (const keyId of touched) {
      if (stale.has(keyId)) continue;
      const rollup = this.rollupOf(keyId);
      for (const t of rollup.takeDirty()) this.putTile.run(this.runId, keyId, t.level, t.tile, tileToBlob(t));
      this.writeSummary(keyId, rollup.summary);
    }
    for (const keyId of stale) this.rebuildKey(keyId);
    this.updateProgress.run({ id: this.runId, step: top!.step, samples: top!.samplesSeen, wall: top!.wallTime, rl: rlStart });
  }

  private flushPending(pending: unknown[]): void {
    for (let i = 0; i < pending.length; i += 7) this.insertOne.run(pending.slice(i, i + 7));
    pending.length = 0;
  }

  private writeSummary(keyId: number, s: KeySummary | undefined): void {
    if (!s) {
      stmt(this.db, 'DELETE FROM run_summary WHERE run_id = ? AND key_id = ?').run(this.runId, keyId);
      return;
    }
    this.putSummary.run(this.runId, keyId, s.count, s.firstStep, s.lastStep, s.lastValue, s.min, s.minStep, s.max, s.maxStep);
  }

  /** Recomputes one key's summary and tiles from its stored rows. */
  rebuildKey(keyId: number): void {
    stmt(this.db, 'DELETE FROM metric_tiles WHERE run_id = ? AND key_id = ?').run(this.runId, keyId);
    const rollup = new KeyRollup();
    const rows = stmt(this.db, 'SELECT step, value, samples_seen, wall_time FROM metrics WHERE run_id = ? AND key_id = ? ORDER BY step')
      .raw()
      .iterate(this.runId, keyId) as IterableIterator<[number, number | null, number, number]>;
    for (const [step, value, samples, wall] of rows) rollup.add(step, value, samples, wall);
    for (const t of rollup.takeDirty()) this.putTile.run(this.runId, keyId, t.level, t.tile, tileToBlob(t));
    this.writeSummary(keyId, rollup.summary);
    // Keep only the newest tile per level in memory, as a freshly loaded rollup would.
    this.rollups.delete(keyId);
  }

  /** Rebuilds every key of the run and its progress columns (after truncation or import). */
  rebuildAll(): void {
    const keyIds = stmt(this.db, 'SELECT DISTINCT key_id FROM metrics WHERE run_id = ?').pluck().all(this.runId) as number[];
    stmt(this.db, 'DELETE FROM run_summary WHERE run_id = ?').run(this.runId);
    stmt(this.db, 'DELETE FROM metric_tiles WHERE run_id = ?').run(this.runId);
    this.rollups.clear();
    for (const k of keyIds) this.rebuildKey(k);
    stmt(this.db, 
        `UPDATE runs SET
           last_step = (SELECT max(step) FROM metrics WHERE run_id = @run),
           samples_seen = (SELECT max(samples_seen) FROM metrics WHERE run_id = @run),
           wall_time = (SELECT max(wall_time) FROM metrics WHERE run_id = @run),
           rl_start_step = (SELECT min(step) FROM metrics WHERE run_id = @run AND phase = 'rl')
         WHERE id = @run`,
      )
      .run({ run: this.runId });
  }
}


// Compare-view reads: downsampled series per (run, key) and seed-group aggregates. Long series
// are read from rollup tiles (see rollup.ts), never by scanning raw metrics.
import type Database from 'better-sqlite3';
import type { GroupSeries, Series, SeriesQuery } from './records';
import type { KeyIndex } from './series-writer';
import { summaryFromRow } from './series-writer';
import { blobToFloats, bucketMeans, chooseGrid, minMaxPointsOnAxes, pointsToRecords, type KeySummary, type XAxis } from './rollup';
import { stmt } from './statements';

type Raw = [number, number | null, number, number]; // step, value, samples, wall

class SeriesReader {
  private readonly rawStmt: Database.Statement;
  private readonly tileStmt: Database.Statement;
  private readonly summaryStmt: Database.Statement;

  constructor(db: Database.Database, readonly keys: KeyIndex) {
    this.rawStmt = stmt(db, 'SELECT step, value, samples_seen, wall_time FROM metrics WHERE run_id = ? AND key_id = ? ORDER BY step')
      .raw();
    this.tileStmt = stmt(db, 'SELECT data FROM metric_tiles WHERE run_id = ? AND key_id = ? AND level = ? ORDER BY tile')
      .pluck();
    this.summaryStmt = stmt(db, 'SELECT * FROM run_summary WHERE run_id = ? AND key_id = ?');
  }

  summary(runId: number, keyId: number | undefined): KeySummary | undefined {
    if (keyId === undefined) return undefined;
    const row = this.summaryStmt.get(runId, keyId) as Parameters<typeof summaryFromRow>[0] | undefined;
    return row && summaryFromRow(row);
  }

  raw(runId: number, keyId: number): Raw[] {
    return this.rawStmt.all(runId, keyId) as Raw[];
  }

  rawRecords(runId: number, keyId: number): Float64Array {
    const rows = this.raw(runId, keyId);
    return pointsToRecords(rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3]));
  }

  tiles(runId: number, keyId: number, level: number): Float64Array[] {
    return (this.tileStmt.all(runId, keyId, level) as Buffer[]).map(blobToFloats);
  }
}

const X_COLUMN: Record<XAxis, 0 | 2 | 3> = { step: 0, samples: 2, wall: 3 };

export function series(db: Database.Database, keys: KeyIndex, q: SeriesQuery): Series[] {
  const x = q.x ?? 'step';
  return seriesOnAxes(db, keys, q, [x]).get(x)!;
}

/**
 * The series of `q` on each of `axes`, from one read: the points are the same on every axis (raw
 * rows, or min/max per step bucket), only their x column differs.
 */
export function seriesOnAxes(db: Database.Database, keys: KeyIndex, q: Omit<SeriesQuery, 'x'>, axes: readonly XAxis[]): Map<XAxis, Series[]> {
  const reader = new SeriesReader(db, keys);
  const maxPoints = Math.max(2, Math.floor(q.maxPoints));
  const rlStart = stmt(db, 'SELECT rl_start_step FROM runs WHERE id = ?').pluck();
  const out = new Map<XAxis, Series[]>(axes.map((a) => [a, []]));
  const push = (base: Omit<Series, 'x' | 'y' | 'downsampled'>, xs: number[][], y: number[], downsampled: boolean) =>
    axes.forEach((a, i) => out.get(a)!.push({ ...base, x: xs[i], y, downsampled }));
  for (const runId of q.runIds) {
    const rlStartStep = (rlStart.get(runId) as number | null | undefined) ?? null;
    for (const key of q.keys) {
      const keyId = keys.find(key);
      const s = reader.summary(runId, keyId);
      const base = { runId, key, rlStartStep, count: s?.count ?? 0 };
      if (!s || keyId === undefined) {
        push(base, axes.map(() => []), [], false);
      } else if (s.count <= maxPoints) {
        const xs = axes.map(() => [] as number[]);
        const ys: number[] = [];
        for (const r of reader.raw(runId, keyId)) {
          if (r[1] === null) continue;
          axes.forEach((a, i) => xs[i].push(r[X_COLUMN[a]] as number));
          ys.push(r[1]);
        }
        push(base, xs, ys, false);
      } else {
        const grid = chooseGrid(s.firstStep, s.lastStep, Math.floor(maxPoints / 2));
        const chunks = grid.level === 0 ? [reader.rawRecords(runId, keyId)] : reader.tiles(runId, keyId, grid.level);
        const { xs, y } = minMaxPointsOnAxes(chunks, grid.width, axes);
        push(base, xs, y, true);
      }
    }
  }
  return out;
}

export function groupSeries(
  db: Database.Database,
  keys: KeyIndex,
  runIds: number[],
  keyNames: string[],
  maxPointsIn: number,
): GroupSeries[] {
  const reader = new SeriesReader(db, keys);
  const maxPoints = Math.max(1, Math.floor(maxPointsIn));
  return keyNames.map((key) => {
    const keyId = keys.find(key);
    const present = runIds
      .map((runId) => ({ runId, s: reader.summary(runId, keyId) }))
      .filter((r): r is { runId: number; s: KeySummary } => r.s !== undefined);
    const result: GroupSeries = { key, runIds, x: [], mean: [], min: [], max: [], std: [], n: [], downsampled: false };
    if (present.length === 0 || keyId === undefined) return result;

    // Per x: the values of the runs that have one there.
    const columns = new Map<number, number[]>();
    const push = (x: number, v: number) => {
      const col = columns.get(x);
      if (col) col.push(v); else columns.set(x, [v]);
    };
    const maxCount = Math.max(...present.map((r) => r.s.count));
    if (maxCount <= maxPoints) {
      for (const { runId } of present) for (const r of reader.raw(runId, keyId)) if (r[1] !== null) push(r[0], r[1]);
    }
    if (maxCount > maxPoints || columns.size > maxPoints) {
      columns.clear();
      result.downsampled = true;
      const first = Math.min(...present.map((r) => r.s.firstStep));
      const last = Math.max(...present.map((r) => r.s.lastStep));
      const grid = chooseGrid(first, last, maxPoints);
      for (const { runId } of present) {
        const chunks = grid.level === 0 ? [reader.rawRecords(runId, keyId)] : reader.tiles(runId, keyId, grid.level);
        for (const [b, mean] of bucketMeans(chunks, grid.width)) {
          // Bucket centre, kept inside the group's step range.
          const centre = Math.min(last, Math.max(first, b * grid.width + (grid.width - 1) / 2));
          push(centre, mean);
        }
      }
    }
    for (const x of [...columns.keys()].sort((a, b) => a - b)) {
      const vs = columns.get(x)!;
      const mean = vs.reduce((a, b) => a + b, 0) / vs.length;
      const variance = vs.reduce((a, v) => a + (v - mean) ** 2, 0) / vs.length;
      result.x.push(x);
      result.mean.push(mean);
      result.min.push(Math.min(...vs));
      result.max.push(Math.max(...vs));
      result.std.push(Math.sqrt(variance));
      result.n.push(vs.length);
    }
    return result;
  });
}

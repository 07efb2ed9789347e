// Downsampled series of runs that have not changed since they were last read come from memory:
// a compare view over 100 finished runs re-queries them often, and only live runs change. A miss
// is read on every x axis at once (the same points, another x column), so switching the view's
// x axis finds them here.
import type Database from 'better-sqlite3';
import type { Series, SeriesQuery } from './records';
import type { XAxis } from './rollup';
import { stmt } from './statements';

const MAX_ENTRIES = 4000;

export class SeriesCache {
  private readonly entries = new Map<string, { rev: number; series: Series }>();

  constructor(private readonly db: Database.Database) {}

  /**
   * Cached series where the run's rev is unchanged; `compute` fills in the rest, in query order.
   * `compute` answers per axis: the series on q.x and any other axes, kept for later queries.
   */
  get(q: SeriesQuery, compute: (q: SeriesQuery) => Map<XAxis, Series[]>): Series[] {
    const maxPoints = Math.max(2, Math.floor(q.maxPoints));
    const x = q.x ?? 'step';
    const revs = new Map(
      stmt(this.db, 'SELECT id, rev FROM runs WHERE id IN (SELECT value FROM json_each(?))')
        .raw()
        .all(JSON.stringify(q.runIds)) as [number, number][],
    );
    const id = (runId: number, key: string, axis: XAxis = x) => `${runId}\u0000${key}\u0000${maxPoints}\u0000${axis}`;
    const missingRuns = q.runIds.filter((runId) => {
      const rev = revs.get(runId);
      return rev === undefined || q.keys.some((key) => this.entries.get(id(runId, key))?.rev !== rev);
    });
    const computed = missingRuns.length > 0 ? compute({ ...q, runIds: missingRuns }) : new Map<XAxis, Series[]>();
    const fresh = computed.get(x) ?? [];
    // The other axes first: under LRU eviction the axis asked for stays longest.
    for (const [axis, list] of [...computed].sort(([a], [b]) => Number(a === x) - Number(b === x))) {
      for (const s of list) {
        const rev = revs.get(s.runId);
        if (rev === undefined) continue;
        const k = id(s.runId, s.key, axis);
        this.entries.delete(k); // re-insert: Map order is our LRU order
        this.entries.set(k, { rev, series: s });
      }
    }
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    const freshById = new Map(fresh.map((s) => [id(s.runId, s.key), s]));
    return q.runIds.flatMap((runId) =>
      q.keys.map((key) => freshById.get(id(runId, key)) ?? this.touch(id(runId, key)) ?? emptySeries(runId, key)),
    );
  }

  private touch(k: string): Series | undefined {
    const e = this.entries.get(k);
    if (!e) return undefined;
    this.entries.delete(k);
    this.entries.set(k, e);
    return e.series;
  }
}

function emptySeries(runId: number, key: string): Series {
  return { runId, key, x: [], y: [], downsampled: false, count: 0, rlStartStep: null };
}

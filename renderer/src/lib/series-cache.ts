// The compare view's series, held between control changes: adding a metric fetches that metric
// only, going back to an axis fetches nothing, and grouping seeds asks once for every group. What
// is missing is fetched in one request; a live run's entries are forgotten when it logs more.
import type { GroupSeries, MetricSeries } from '../../../api/types';
import type { XAxisKind } from '../../../vocabulary/charts/series';

export interface SeriesRequest {
  runIds: number[];
  keys: string[];
  maxPoints: number;
  x: XAxisKind;
}

export interface GroupRequest {
  runIds: number[];
  keys: string[];
  maxPoints: number;
}

/** The rows (runs or groups) lacking some key, and the keys some of those rows lack: one request. */
export function missingBlock<R>(rows: readonly R[], keys: readonly string[], has: (row: R, key: string) => boolean): { rows: R[]; keys: string[] } | null {
  const rowsOut = rows.filter((r) => keys.some((k) => !has(r, k)));
  if (rowsOut.length === 0) return null;
  return { rows: rowsOut, keys: keys.filter((k) => rowsOut.some((r) => !has(r, k))) };
}

export class SeriesCache {
  private readonly held = new Map<string, MetricSeries>();

  constructor(private readonly fetch: (q: SeriesRequest) => Promise<MetricSeries[]>) {}

  /** Every run's series of every key on axis `x`, in run then key order; fetches what is not held. */
  async load(runIds: readonly number[], keys: readonly string[], x: XAxisKind, maxPoints: number): Promise<MetricSeries[]> {
    const id = (runId: number, key: string) => `${maxPoints}|${x}|${runId}|${key}`;
    const need = missingBlock(runIds, keys, (r, k) => this.held.has(id(r, k)));
    if (need) {
      const got = await this.fetch({ runIds: need.rows, keys: need.keys, maxPoints, x });
      for (const s of got) this.held.set(id(s.runId, s.key), s);
    }
    const out: MetricSeries[] = [];
    for (const r of runIds) for (const k of keys) {
      const s = this.held.get(id(r, k));
      if (s) out.push(s);
    }
    return out;
  }

  /** Drops what these runs logged so far (they are training), on every axis. */
  forget(runIds: Iterable<number>): void {
    const ids = new Set(runIds);
    for (const k of this.held.keys()) if (ids.has(Number(k.split('|')[2]))) this.held.delete(k);
  }
}

/** A seed group: its key and the runs of it that are compared. */
export type SeedGroup = readonly [groupKey: string, runIds: readonly number[]];

export class GroupSeriesCache {
  private readonly held = new Map<string, GroupSeries>();

  constructor(private readonly fetch: (q: GroupRequest) => Promise<GroupSeries[]>) {}

  /** Each group's aggregate of every key; what is missing comes in one request for all groups. */
  async load(groups: readonly SeedGroup[], keys: readonly string[], maxPoints: number): Promise<GroupSeries[]> {
    const id = (g: SeedGroup | GroupSeries, key: string) => {
      const [groupKey, runIds] = 'groupKey' in g ? [g.groupKey, g.runIds] : g;
      return `${maxPoints}|${groupKey}|${runIds.join(',')}|${key}`;
    };
    const need = missingBlock(groups, keys, (g, k) => this.held.has(id(g, k)));
    if (need) {
      // The server aggregates the requested runs per group key.
      const got = await this.fetch({ runIds: need.rows.flatMap(([, ids]) => ids), keys: need.keys, maxPoints });
      for (const g of got) this.held.set(id(g, g.key), g);
    }
    const out: GroupSeries[] = [];
    for (const g of groups) for (const k of keys) {
      const s = this.held.get(id(g, k));
      if (s) out.push(s);
    }
    return out;
  }

  forget(runIds: Iterable<number>): void {
    const ids = new Set(runIds);
    for (const [k, g] of this.held) if (g.runIds.some((r) => ids.has(r))) this.held.delete(k);
  }
}

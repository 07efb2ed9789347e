// Listing runs with their summaries, fast enough for a 10k-row table refreshed every second.
// Values cross from SQLite to JS at ~0.4 us each, so (1) changed rows are fetched as one JSON
// document built by SQLite, and (2) rows whose `rev` has not changed come from a cache.
import type Database from 'better-sqlite3';
import type { RunFilter, RunSummary } from './records';
import type { KeyIndex } from './series-writer';
import { StoreError } from './errors';
import { HEADLINE_KEYS } from './summary';
import { stmt } from './statements';

const CONFIG_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

const RUN_JSON = `json_object(
  'id', r.id, 'name', r.name, 'status', r.status, 'createdAt', r.created_at, 'startedAt', r.started_at,
  'finishedAt', r.finished_at, 'config', json(r.config), 'seed', r.seed, 'groupKey', r.group_key,
  'backend', r.backend, 'backendVersion', r.backend_version, 'threads', r.threads, 'pid', r.pid, 'host', r.host,
  'parentRunId', r.parent_run_id, 'parentCheckpointId', r.parent_checkpoint_id, 'tags', json(r.tags),
  'notes', r.notes, 'error', r.error, 'lastStep', r.last_step, 'samplesSeen', r.samples_seen,
  'wallTime', r.wall_time, 'rlStartStep', r.rl_start_step, 'rev', r.rev,
  'metrics', (SELECT json_group_object(k.name, json_object('count', s.count, 'firstStep', s.first_step,
                 'lastStep', s.last_step, 'lastValue', s.last_value, 'min', s.min_value, 'minStep', s.min_step,
                 'max', s.max_value, 'maxStep', s.max_step))
              FROM run_summary s JOIN metric_keys k ON k.id = s.key_id
              WHERE s.run_id = r.id %KEYS%))`;

type Cached = RunSummary;

export function whereClause(filter: RunFilter): { sql: string; args: unknown[] } {
  // Runs of an import still in progress stay hidden until it reveals them all at once.
  const where: string[] = ['import_stage IS NULL'];
  const args: unknown[] = [];
  if (filter.status?.length) {
    where.push(`status IN (${filter.status.map(() => '?').join(',')})`);
    args.push(...filter.status);
  }
  for (const tag of filter.tags ?? []) {
    where.push('EXISTS (SELECT 1 FROM json_each(runs.tags) WHERE value = ?)');
    args.push(tag);
  }
  const text = filter.text?.trim();
  if (text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(`(name LIKE ? ESCAPE '\\' OR notes LIKE ? ESCAPE '\\' OR tags LIKE ? ESCAPE '\\' OR group_key = ? OR CAST(id AS TEXT) = ?)`);
    args.push(like, like, like, text, text);
  }
  for (const [p, value] of Object.entries(filter.config ?? {})) {
    if (!CONFIG_PATH.test(p)) throw new StoreError(`bad config path: ${p}`, 'invalid');
    where.push('json_extract(config, ?) = ?');
    args.push(`$.${p}`, typeof value === 'boolean' ? (value ? 1 : 0) : value);
  }
  if (filter.parentRunId !== undefined) {
    where.push('parent_run_id = ?');
    args.push(filter.parentRunId);
  }
  if (filter.groupKey !== undefined) {
    where.push('group_key = ?');
    args.push(filter.groupKey);
  }
  return { sql: ` WHERE ${where.join(' AND ')}`, args };
}

export class RunLister {
  /** Per summary-key selection: id -> cached run (valid while its rev is unchanged). */
  private readonly caches = new Map<string, Map<number, Cached>>();

  constructor(
    private readonly db: Database.Database,
    private readonly keys: KeyIndex,
  ) {}

  /** Returned objects are shared snapshots: treat them as read-only. */
  list(filter: RunFilter): RunSummary[] {
    const { sql: where, args } = whereClause(filter);
    let sql = `SELECT id, rev FROM runs${where} ORDER BY id ${filter.order === 'id-asc' ? 'ASC' : 'DESC'}`;
    if (filter.limit !== undefined || filter.offset !== undefined) {
      sql += ' LIMIT ? OFFSET ?';
      args.push(filter.limit ?? -1, filter.offset ?? 0);
    }
    const ids = stmt(this.db, sql).raw().all(...args) as [number, number][];

    const wanted = filter.summaryKeys ?? HEADLINE_KEYS;
    const sig = wanted === 'all' ? '*' : wanted.join('\n');
    let cache = this.caches.get(sig);
    if (!cache) {
      cache = new Map();
      this.caches.set(sig, cache);
    }
    const stale = ids.filter(([id, rev]) => cache.get(id)?.rev !== rev).map(([id]) => id);
    if (stale.length > 0) {
      const fresh = filter.summaryKeys === undefined ? this.fetchCards(stale) : this.fetch(stale, wanted);
      for (const run of fresh) cache.set(run.id, run);
    }
    if (cache.size > ids.length * 2 + 1000) this.prune(cache);
    return ids.map(([id]) => cache.get(id)!).filter((r) => r !== undefined);
  }

  /** The default list: rows kept current as JSON by the store's triggers, one parse for all. */
  private fetchCards(ids: number[]): Cached[] {
    const json = stmt(this.db, `SELECT '[' || group_concat(card, ',') || ']' FROM runs WHERE id IN (SELECT value FROM json_each(?))`)
      .pluck()
      .get(JSON.stringify(ids)) as string | null;
    return json ? (JSON.parse(json) as Cached[]) : [];
  }

  private fetch(ids: number[], wanted: readonly string[] | 'all'): Cached[] {
    let keyClause = '';
    if (wanted !== 'all') {
      const keyIds = wanted.map((k) => this.keys.find(k)).filter((k): k is number => k !== undefined);
      keyClause = `AND s.key_id IN (${keyIds.length ? keyIds.join(',') : 'NULL'})`;
    }
    const json = stmt(
      this.db,
      `SELECT json_group_array(${RUN_JSON.replace('%KEYS%', keyClause)}) FROM runs r WHERE r.id IN (SELECT value FROM json_each(?))`,
    )
      .pluck()
      .get(JSON.stringify(ids)) as string;
    return JSON.parse(json) as Cached[];
  }

  private prune(cache: Map<number, Cached>): void {
    const live = new Set(stmt(this.db, 'SELECT id FROM runs').pluck().all() as number[]);
    for (const id of cache.keys()) if (!live.has(id)) cache.delete(id);
  }
}

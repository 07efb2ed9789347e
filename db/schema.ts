// The run store's schema as numbered migrations. Never edit a released migration: add one.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  up(db: Database.Database): void;
}

/** 'NTPR': marks a file as a workbench store so foreign SQLite files are refused. */
export const APPLICATION_ID = 0x4e545052;

/** Metric keys whose summaries a run's card carries (frozen with migration 1). */
export const CARD_KEYS_V1 = [
  'loss', 'eval/greedy_accuracy', 'eval/sampled_accuracy', 'eval/greedy_length_median', 'eval/sampled_long_share', 'reward',
] as const;

/** JSON of one run row with its card keys' summaries, in the shape of RunSummary. */
function cardSql(rev: string, runId: string): string {
  return `json_object(
    'id', id, 'name', name, 'status', status, 'createdAt', created_at, 'startedAt', started_at,
    'finishedAt', finished_at, 'config', json(config), 'seed', seed, 'groupKey', group_key,
    'backend', backend, 'backendVersion', backend_version, 'threads', threads, 'pid', pid, 'host', host,
    'parentRunId', parent_run_id, 'parentCheckpointId', parent_checkpoint_id, 'tags', json(tags),
    'notes', notes, 'error', error, 'lastStep', last_step, 'samplesSeen', samples_seen,
    'wallTime', wall_time, 'rlStartStep', rl_start_step, 'rev', ${rev},
    'metrics', (SELECT json_group_object(k.name, json_object('count', s.count, 'firstStep', s.first_step,
                   'lastStep', s.last_step, 'lastValue', s.last_value, 'min', s.min_value, 'minStep', s.min_step,
                   'max', s.max_value, 'maxStep', s.max_step))
                FROM run_summary s JOIN metric_keys k ON k.id = s.key_id
                WHERE s.run_id = ${runId} AND k.name IN (${CARD_KEYS_V1.map((k) => `'${k}'`).join(', ')})))`;
}

/**
 * Run claims and graph branches. A queued run is claimed atomically (queued -> running in one
 * UPDATE) by one process, recorded with who, pid and host, so two processes on one store never
 * train the same run. A queued RL branch of a run graph records the parent NTP step it waits for
 * (its checkpoint is filled in once the parent completed), so any process that opens the store
 * knows it must wait.
 */
export const MIGRATION_RUN_CLAIMS: Migration = {
  version: 2,
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN claimed_by   TEXT;     -- e.g. 'workbench sweep'
      ALTER TABLE runs ADD COLUMN claimed_pid  INTEGER;
      ALTER TABLE runs ADD COLUMN claimed_host TEXT;
      ALTER TABLE runs ADD COLUMN claimed_at   INTEGER;  -- ms since epoch
      ALTER TABLE runs ADD COLUMN branch_step  INTEGER;  -- queued branch: the parent's NTP checkpoint step
    `);
  },
};

/**
 * Imports are staged: runs written in many short transactions carry the importer's token
 * (`pid@host:ms`) in `import_stage` and stay hidden until one short final transaction clears it.
 * A crashed import's leftovers are deleted at the next open for write (store.ts).
 */
const STAGED_IMPORT_MIGRATION: Migration = {
  version: 3,
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN import_stage TEXT;
      CREATE INDEX runs_import_stage ON runs(import_stage) WHERE import_stage IS NOT NULL;
    `);
  },
};

/**
 * STaR became rounds (sample, keep the correct, refit until calibrated) with schema 4; before, a
 * STaR step was one gradient step. A stored STaR config without an `rl.star` section meant that,
 * so it is pinned to `mode: 'one-step'`: resuming, cloning or comparing it keeps its meaning.
 * Imports of older bundles get the same (db/legacy-configs.ts).
 */
const STAR_ROUNDS_MIGRATION: Migration = {
  version: 4,
  up(db) {
    db.exec(`
      UPDATE runs SET config = json_set(config, '$.rl.star', json('{"mode":"one-step"}'))
       WHERE json_valid(config) AND json_extract(config, '$.rl.algorithm') = 'star' AND json_type(config, '$.rl.star') IS NULL;
    `);
  },
};

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up(db) {
      db.exec(`
        -- AUTOINCREMENT: a deleted run's id is never handed out again (caches, parent links, exports).
        CREATE TABLE runs (
          id                   INTEGER PRIMARY KEY AUTOINCREMENT,
          name                 TEXT    NOT NULL,
          status               TEXT    NOT NULL DEFAULT 'queued'
                                 CHECK (status IN ('queued','running','completed','stopped','failed','interrupted')),
          created_at           INTEGER NOT NULL,          -- ms since epoch
          started_at           INTEGER,
          finished_at          INTEGER,
          config               TEXT    NOT NULL,          -- JSON
          seed                 INTEGER NOT NULL,
          group_key            TEXT    NOT NULL,          -- hash of the config without the seed
          backend              TEXT,
          backend_version      TEXT,
          threads              INTEGER,
          pid                  INTEGER,
          host                 TEXT,
          parent_run_id        INTEGER REFERENCES runs(id) ON DELETE SET NULL,
          parent_checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
          tags                 TEXT    NOT NULL DEFAULT '[]',   -- JSON array of strings
          notes                TEXT    NOT NULL DEFAULT '',
          error                TEXT,
          -- progress, kept current by the recorder's flush so lists never touch metrics
          last_step            INTEGER,
          samples_seen         INTEGER,
          wall_time            REAL,
          rl_start_step        INTEGER,
          -- bumped on every change (trigger below), so readers can cache unchanged rows
          rev                  INTEGER NOT NULL DEFAULT 0,
          -- the run as listRuns returns it (JSON, headline summaries), so a list is one parse
          card                 TEXT
        );
        CREATE TRIGGER runs_card_insert AFTER INSERT ON runs
        BEGIN
          UPDATE runs SET card = ${cardSql('rev', 'NEW.id')} WHERE id = NEW.id;
        END;
        CREATE TRIGGER runs_rev AFTER UPDATE ON runs WHEN NEW.rev = OLD.rev
        BEGIN
          UPDATE runs SET rev = OLD.rev + 1, card = ${cardSql('OLD.rev + 1', 'NEW.id')} WHERE id = NEW.id;
        END;
        CREATE INDEX runs_status ON runs(status);
        CREATE INDEX runs_group ON runs(group_key);
        CREATE INDEX runs_parent ON runs(parent_run_id);

        -- Interned metric names keep the metrics primary key short.
        CREATE TABLE metric_keys (
          id   INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE
        );

        -- Narrow table; the clustered key (run, key, step) makes one series one range scan.
        -- value NULL stands for NaN (SQLite cannot store NaN).
        CREATE TABLE metrics (
          run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          key_id       INTEGER NOT NULL REFERENCES metric_keys(id),
          step         INTEGER NOT NULL,
          phase        TEXT    NOT NULL,
          value        REAL,
          wall_time    REAL    NOT NULL,
          samples_seen INTEGER NOT NULL,
          PRIMARY KEY (run_id, key_id, step)
        ) WITHOUT ROWID;

        -- One row per (run, key), upserted in the same transaction as the metrics it covers.
        CREATE TABLE run_summary (
          run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          key_id     INTEGER NOT NULL REFERENCES metric_keys(id),
          count      INTEGER NOT NULL,
          first_step INTEGER NOT NULL,
          last_step  INTEGER NOT NULL,
          last_value REAL,
          min_value  REAL,
          min_step   INTEGER,
          max_value  REAL,
          max_step   INTEGER,
          PRIMARY KEY (run_id, key_id)
        ) WITHOUT ROWID;

        -- Min/max rollups in packed tiles so compare queries never scan raw metrics. A rowid
        -- table: its leaves hold a whole 2.5 KB tile, where a WITHOUT ROWID row would overflow.
        CREATE TABLE metric_tiles (
          id     INTEGER PRIMARY KEY,
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          key_id INTEGER NOT NULL,
          level  INTEGER NOT NULL,
          tile   INTEGER NOT NULL,
          data   BLOB    NOT NULL,
          UNIQUE (run_id, key_id, level, tile)
        );

        CREATE TABLE checkpoints (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          phase      TEXT    NOT NULL,
          step       INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          size       INTEGER NOT NULL,
          meta       TEXT    NOT NULL,   -- JSON
          bytes      BLOB    NOT NULL
        );
        CREATE INDEX checkpoints_run ON checkpoints(run_id, step);

        CREATE TABLE samples (
          id       INTEGER PRIMARY KEY,
          run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          phase    TEXT    NOT NULL,
          step     INTEGER NOT NULL,
          kind     TEXT    NOT NULL,
          prompt   TEXT    NOT NULL,
          response TEXT    NOT NULL,
          correct  INTEGER NOT NULL,
          length   INTEGER NOT NULL
        );
        CREATE INDEX samples_run ON samples(run_id, step);
      `);
    },
  },
  MIGRATION_RUN_CLAIMS,
  STAGED_IMPORT_MIGRATION,
  STAR_ROUNDS_MIGRATION,
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

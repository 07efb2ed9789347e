// The run store's schema as numbered migrations. Never edit a released migration: add one.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  up(db: Database.Database): void;
}

/** 'NTPR': marks a file as a workbench store so foreign SQLite files are refused. */
export const APPLICATION_ID = 0x4e545052;

/** Rollup levels: level L aggregates 4^L consecutive steps per bucket (see rollup.ts). */
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
          rev                  INTEGER NOT NULL DEFAULT 0
        );
        CREATE TRIGGER runs_rev AFTER UPDATE ON runs WHEN NEW.rev = OLD.rev
        BEGIN
          UPDATE runs SET rev = OLD.rev + 1 WHERE id = NEW.id;
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
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

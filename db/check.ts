// `workbench check`: everything that can be wrong with a store file, found without changing it.
import os from 'node:os';
import type Database from 'better-sqlite3';
import { openForInspection } from './open';
import { backupsOf, integrityCheck } from './integrity';
import { LATEST_VERSION } from './schema';
import { processAlive } from './store';
import { parseImportToken } from './transfer';
import type { CheckFinding, CheckReport } from '../vocabulary/run-records';

export type { CheckFinding, CheckReport };

function tableExists(db: Database.Database, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

function hasColumn(db: Database.Database, table: string, column: string): boolean {
  return (db.prepare(`SELECT 1 FROM pragma_table_info(?) WHERE name = ?`).get(table, column)) !== undefined;
}

export function checkStore(file: string): CheckReport {
  const findings: CheckFinding[] = [];
  const problem = (what: string) => findings.push({ severity: 'problem', what });
  const db = openForInspection(file);
  let runs = 0;
  try {
    const integrity = integrityCheck(db);
    for (const line of integrity) problem(`integrity_check: ${line}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version < LATEST_VERSION) findings.push({ severity: 'note', what: `schema ${version}; this app upgrades it to ${LATEST_VERSION} at the next write (keeping a copy)` });
    if (integrity.length === 0 && tableExists(db, 'runs')) {
      runs = db.prepare('SELECT count(*) FROM runs').pluck().get() as number;
      // Rows whose run (or metric key) is gone: foreign keys the file no longer satisfies.
      const orphans = db.prepare('SELECT "table", count(*) AS n FROM pragma_foreign_key_check GROUP BY "table"').all() as { table: string; n: number }[];
      for (const o of orphans) problem(`${o.n} orphaned row${o.n === 1 ? '' : 's'} in ${o.table} (their run or key no longer exists)`);
      // Runs that say they are training, in a process on this host that no longer exists.
      const running = db.prepare(`SELECT id, pid, host FROM runs WHERE status = 'running'`).all() as { id: number; pid: number | null; host: string | null }[];
      for (const r of running) {
        if (r.pid !== null && r.host === os.hostname() && !processAlive(r.pid)) {
          problem(`run ${r.id} is marked running but its process ${r.pid} is gone (the next write open marks it interrupted)`);
        } else if (r.host !== null && r.host !== os.hostname()) {
          findings.push({ severity: 'note', what: `run ${r.id} is running on ${r.host} (pid ${r.pid}); not checked from here` });
        }
      }
      if (hasColumn(db, 'runs', 'import_stage')) {
        const staged = db.prepare('SELECT import_stage AS token, count(*) AS n FROM runs WHERE import_stage IS NOT NULL GROUP BY import_stage').all() as { token: string; n: number }[];
        for (const s of staged) {
          const who = parseImportToken(s.token);
          const live = who && who.host === os.hostname() && processAlive(who.pid);
          if (live) findings.push({ severity: 'note', what: `an import (process ${who.pid}) is in progress: ${s.n} runs staged` });
          else problem(`${s.n} runs left staged by an import that did not finish (${s.token}); the next write open on its host deletes them`);
        }
      }
    }
  } finally {
    db.close();
  }
  return { file, healthy: findings.every((f) => f.severity !== 'problem'), runs, findings, backups: backupsOf(file) };
}

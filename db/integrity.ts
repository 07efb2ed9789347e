// Is the file sound? quick_check on open (structure of every b-tree page, O(file size), no index
// cross-checks) and the full integrity_check for `workbench check`.
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { sqliteCode } from './errors';

/** At most this many problems are collected: one is enough to refuse the file. */
const MAX_PROBLEMS = 20;

function runCheck(db: Database.Database, pragma: 'quick_check' | 'integrity_check'): string[] {
  try {
    const rows = db.pragma(`${pragma}(${MAX_PROBLEMS})`, { simple: false }) as Record<string, string>[];
    const lines = rows.map((r) => Object.values(r)[0]);
    return lines.length === 1 && lines[0] === 'ok' ? [] : lines;
  } catch (err) {
    // A page so broken that the check itself cannot walk it.
    if (sqliteCode(err)?.startsWith('SQLITE_CORRUPT') || sqliteCode(err) === 'SQLITE_NOTADB') return [err instanceof Error ? err.message : String(err)];
    throw err;
  }
}

/** Problems PRAGMA quick_check finds (empty when the file is sound). */
export const quickCheck = (db: Database.Database) => runCheck(db, 'quick_check');
/** Problems the full PRAGMA integrity_check finds, indexes against tables included. */
export const integrityCheck = (db: Database.Database) => runCheck(db, 'integrity_check');

/** The copies migrate() takes before an upgrade: `<file>.v<N>-<ms>.bak`, newest first. */
export function backupsOf(file: string): string[] {
  const dir = path.dirname(path.resolve(file));
  const base = path.basename(file);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const re = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.v\\d+-(\\d+)\\.bak$`);
  return names
    .map((n) => ({ n, m: re.exec(n) }))
    .filter((x): x is { n: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(b.m[1]) - Number(a.m[1]))
    .map((x) => path.join(dir, x.n));
}

/** What to tell someone whose store is damaged: the file, the first problem, and what to do. */
export function damagedMessage(file: string, problems: string[], readonly: boolean): string {
  const backups = backupsOf(file);
  return [
    `the run store ${file} is damaged (${problems[0]}${problems.length > 1 ? `; and ${problems.length - 1} more` : ''}); ${readonly ? 'refusing to read it' : 'nothing was written to it'}.`,
    `What to do: keep a copy of the file as it is; \`workbench check --db ${file}\` lists the problems;`,
    `\`sqlite3 ${file} .recover > rescued.sql\` salvages the readable rows;`,
    backups.length > 0
      ? `copies taken before schema upgrades: ${backups.join(', ')} (newest first).`
      : `no copies taken before schema upgrades (${path.basename(file)}.v<N>-<time>.bak) exist beside it.`,
  ].join(' ');
}

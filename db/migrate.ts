// Applies numbered migrations, each in an immediate transaction that bumps PRAGMA user_version.
import type Database from 'better-sqlite3';
import { APPLICATION_ID, type Migration } from './schema';
import { StoreError } from './errors';

export function tooNewMessage(file: string, found: number, latest: number): string {
  return (
    `${file} was written by a newer version of the workbench (schema ${found}, this app knows up to ${latest}). ` +
    'Update the app, or open another file with --db.'
  );
}

/**
 * Brings `db` to the latest version in `migrations`. Before upgrading an existing store
 * (0 < user_version < latest) a consistent copy is written next to it with VACUUM INTO.
 * Returns the backup path when one was made.
 */
export function migrate(db: Database.Database, file: string, migrations: readonly Migration[]): string | undefined {
  const latest = migrations[migrations.length - 1].version;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) throw new StoreError(tooNewMessage(file, current, latest), 'too-new');
  if (current === latest) return undefined;

  let backup: string | undefined;
  if (current > 0 && file !== ':memory:') {
    backup = `${file}.v${current}-${Date.now()}.bak`;
    db.prepare('VACUUM INTO ?').run(backup);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      // Another process may have migrated while we waited for the write lock.
      const now = db.pragma('user_version', { simple: true }) as number;
      if (now >= m.version) return;
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
      db.pragma(`application_id = ${APPLICATION_ID}`);
    }).immediate();
  }
  return backup;
}

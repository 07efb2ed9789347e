// Opening a store file safely: refuse foreign or corrupt files before anything writes to them.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { APPLICATION_ID, MIGRATIONS, type Migration } from './schema';
import { migrate, tooNewMessage } from './migrate';
import { StoreError } from './errors';
import { nativeBindingPath } from './native';

export interface OpenOptions {
  readonly?: boolean;
  /** better-sqlite3 binary to load; defaults to nativeBindingPath() (the Electron build, if any). */
  nativeBinding?: string;
  /** For tests of the migration runner. */
  migrations?: readonly Migration[];
  busyTimeoutMs?: number;
}

const MMAP_BYTES = 1 << 30;
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

function notAStore(file: string, why: string): StoreError {
  return new StoreError(`not a workbench database: ${file} (${why})`, 'not-a-store');
}

function readHeader(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(SQLITE_HEADER.length);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads identity and version through a read-only connection, so a bad file is never modified. */
function probeExisting(file: string, latest: number, nativeBinding: string | undefined): void {
  if (!readHeader(file).equals(SQLITE_HEADER)) throw notAStore(file, 'file is not a database');
  let probe: Database.Database | undefined;
  try {
    probe = new Database(file, { readonly: true, fileMustExist: true, nativeBinding });
    const appId = probe.pragma('application_id', { simple: true }) as number;
    const version = probe.pragma('user_version', { simple: true }) as number;
    const tables = (probe.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n;
    if (appId !== 0 && appId !== APPLICATION_ID) throw notAStore(file, `application_id ${appId} belongs to another program`);
    if (appId === 0 && version === 0 && tables > 0) throw notAStore(file, 'it holds tables of another program');
    if (version > latest) throw new StoreError(tooNewMessage(file, version, latest), 'too-new');
  } catch (err) {
    if (err instanceof StoreError) throw err;
    throw notAStore(file, err instanceof Error ? err.message : String(err));
  } finally {
    probe?.close();
  }
}

export interface OpenedDatabase {
  db: Database.Database;
  /** Path of the copy taken before a migration, if one ran. */
  backup?: string;
}

export function openDatabase(file: string, opts: OpenOptions = {}): OpenedDatabase {
  const migrations = opts.migrations ?? MIGRATIONS;
  const latest = migrations[migrations.length - 1].version;
  const nativeBinding = opts.nativeBinding ?? nativeBindingPath();
  const readonly = opts.readonly ?? false;
  const inMemory = file === ':memory:';

  if (!inMemory) {
    const exists = fs.existsSync(file);
    if (exists && fs.statSync(file).isDirectory()) throw notAStore(file, 'it is a folder');
    if (exists && fs.statSync(file).size > 0) probeExisting(file, latest, nativeBinding);
    if (!exists && readonly) throw new StoreError(`no run store at ${file} (open it for writing once to create it)`, 'not-found');
    if (!exists) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  }

  const db = new Database(file, { readonly, fileMustExist: readonly, nativeBinding });
  try {
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    db.pragma('foreign_keys = ON');
    // Memory-mapped reads: compare queries read many pages, and mmap skips a syscall per page.
    if (!inMemory) db.pragma(`mmap_size = ${MMAP_BYTES}`);
    if (readonly) {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version !== latest) {
        throw new StoreError(
          `${file} has schema ${version}, this app needs ${latest}: open it for writing once to migrate`,
          'needs-migration',
        );
      }
      return { db };
    }
    if (!inMemory) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const backup = migrate(db, file, migrations);
    return { db, backup };
  } catch (err) {
    db.close();
    throw err;
  }
}

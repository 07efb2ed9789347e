// Opening a store file safely: refuse foreign, damaged or unusable files before anything writes
// to them, and say which file and why when a file cannot be used.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { APPLICATION_ID, MIGRATIONS, type Migration } from './schema';
import { migrate, tooNewMessage } from './migrate';
import { StoreError, sqliteCause, sqliteCode } from './errors';
import { nativeBindingPath } from './native';
import { damagedMessage, quickCheck } from './integrity';

export interface OpenOptions {
  readonly?: boolean;
  /** better-sqlite3 binary to load; defaults to nativeBindingPath() (the Electron build, if any). */
  nativeBinding?: string;
  /** For tests of the migration runner. */
  migrations?: readonly Migration[];
  busyTimeoutMs?: number;
  /**
   * 'quick' runs PRAGMA quick_check before the store is used and refuses a damaged file.
   * Default: 'quick' for write opens (never write into a damaged file), 'none' for read-only ones.
   */
  integrity?: 'quick' | 'none';
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

const writable = (p: string) => {
  try {
    fs.accessSync(p, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/** A file SQLite cannot open for reading in place: WAL mode in a folder where -shm cannot be made. */
function needsImmutableRead(file: string, err: unknown): boolean {
  const code = sqliteCode(err) ?? '';
  if (code !== 'SQLITE_READONLY_DIRECTORY' && !code.startsWith('SQLITE_CANTOPEN')) return false;
  if (writable(path.dirname(path.resolve(file)))) return false;
  // Committed rows may still sit in a -wal file, which an immutable open would not see.
  const wal = `${file}-wal`;
  return !fs.existsSync(wal) || fs.statSync(wal).size === 0;
}

/**
 * A read-only connection. In a read-only folder with no -wal file nobody can be writing, so the
 * file is opened as immutable (SQLite then needs no -shm beside it).
 */
function openForReading(file: string, nativeBinding: string | undefined): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, nativeBinding });
    db.pragma('schema_version'); // SQLite opens lazily: the first read is where a missing -shm fails
    return db;
  } catch (err) {
    db?.close();
    if (!needsImmutableRead(file, err)) throw err;
    // URI filenames are enabled in native.ts; the path is absolute so it is never taken for a URI by accident.
    const uri = `file:${encodeURI(path.resolve(file)).replace(/\?/g, '%3f').replace(/#/g, '%23')}?immutable=1`;
    return new Database(uri, { readonly: true, fileMustExist: true, nativeBinding });
  }
}

/** Reads identity and version through a read-only connection, so a bad file is never modified. */
function probeExisting(file: string, latest: number, nativeBinding: string | undefined): void {
  if (!readHeader(file).equals(SQLITE_HEADER)) throw notAStore(file, 'file is not a database');
  let probe: Database.Database | undefined;
  try {
    probe = openForReading(file, nativeBinding);
  } catch (err) {
    throw new StoreError(`cannot open the run store ${file}: ${sqliteCause(err)}`, 'cannot-open');
  }
  try {
    const appId = probe.pragma('application_id', { simple: true }) as number;
    const version = probe.pragma('user_version', { simple: true }) as number;
    const tables = (probe.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n;
    if (appId !== 0 && appId !== APPLICATION_ID) throw notAStore(file, `application_id ${appId} belongs to another program`);
    if (appId === 0 && version === 0 && tables > 0) throw notAStore(file, 'it holds tables of another program');
    if (version > latest) throw new StoreError(tooNewMessage(file, version, latest), 'too-new');
  } catch (err) {
    if (err instanceof StoreError) throw err;
    const code = sqliteCode(err) ?? '';
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') throw notAStore(file, `damaged: ${err instanceof Error ? err.message : String(err)}`);
    throw notAStore(file, sqliteCause(err));
  } finally {
    probe.close();
  }
}

/** Checks that need no SQLite: what is missing, empty or not writable, with the path and the cause. */
function precheck(file: string, readonly: boolean): void {
  const dir = path.dirname(path.resolve(file));
  const exists = fs.existsSync(file);
  if (exists && fs.statSync(file).isDirectory()) throw notAStore(file, 'it is a folder');
  if (readonly) {
    if (!exists && !fs.existsSync(dir)) throw new StoreError(`no run store at ${file} (the folder ${dir} does not exist)`, 'not-found');
    if (!exists) throw new StoreError(`no run store at ${file} (open it for writing once to create it)`, 'not-found');
    if (fs.statSync(file).size === 0) throw new StoreError(`${file} is an empty file, not a run store yet (a command that writes, such as workbench run, makes it one)`, 'empty');
    return;
  }
  if (exists && !writable(file)) {
    throw new StoreError(`cannot write to the run store ${file}: the file is read-only (no write permission); read it with list or export, or fix its permissions`, 'read-only');
  }
  if (fs.existsSync(dir) && !writable(dir)) {
    throw new StoreError(`cannot write to the run store ${file}: its folder ${dir} is not writable (SQLite keeps -wal and -shm files beside the store)`, 'read-only');
  }
  if (!exists) {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new StoreError(`cannot create the run store ${file}: the folder ${dir} cannot be made (${err instanceof Error ? err.message : String(err)})`, 'cannot-open');
    }
  }
}

/**
 * A read-only connection for inspection (`workbench check`): the same refusals as any open, but
 * no integrity or schema-version gate, since reporting those is the point.
 */
export function openForInspection(file: string, nativeBinding = nativeBindingPath()): Database.Database {
  precheck(file, true);
  probeExisting(file, Number.MAX_SAFE_INTEGER, nativeBinding);
  try {
    return openForReading(file, nativeBinding);
  } catch (err) {
    throw new StoreError(`cannot open the run store ${file}: ${sqliteCause(err)}`, 'cannot-open');
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
  const integrity = opts.integrity ?? (readonly ? 'none' : 'quick');

  if (!inMemory) {
    precheck(file, readonly);
    if (fs.existsSync(file) && fs.statSync(file).size > 0) probeExisting(file, latest, nativeBinding);
  }

  let db: Database.Database;
  try {
    db = readonly && !inMemory ? openForReading(file, nativeBinding) : new Database(file, { readonly, fileMustExist: readonly, nativeBinding });
  } catch (err) {
    throw new StoreError(`cannot open the run store ${file}: ${sqliteCause(err)}`, 'cannot-open');
  }
  try {
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    db.pragma('foreign_keys = ON');
    // Memory-mapped reads: compare queries read many pages, and mmap skips a syscall per page.
    if (!inMemory) db.pragma(`mmap_size = ${MMAP_BYTES}`);
    if (integrity === 'quick' && !inMemory) {
      const problems = quickCheck(db);
      if (problems.length > 0) throw new StoreError(damagedMessage(file, problems, readonly), 'damaged');
    }
    if (readonly) {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version !== latest) {
        throw new StoreError(
          `${file} has schema ${version}, this app needs ${latest}: a command that writes (run, import, serve) upgrades it, keeping a copy beside it`,
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
    if (err instanceof StoreError || sqliteCode(err) === undefined) throw err;
    throw new StoreError(`cannot open the run store ${file}: ${sqliteCause(err)}`, 'cannot-open');
  }
}

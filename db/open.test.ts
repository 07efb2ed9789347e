import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, StoreError, LATEST_VERSION, defaultStorePath, nativeBindingPath } from './index';
import { openDatabase } from './open';
import { APPLICATION_ID, MIGRATIONS, type Migration } from './schema';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-open-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const siblings = (file: string) => fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith(path.basename(file)));

function expectStoreError(fn: () => unknown, code: StoreError['code'], message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(code);
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a StoreError');
}

/** A v1 store with one run and some metrics, written through the public API. */
function v1Fixture(file: string): number {
  const store = openStore(file);
  const id = store.createRun({ name: 'fixture', config: { task: { d: 8 } }, seed: 3, groupKey: 'g' });
  const rec = store.recorder(id);
  rec.metrics([0, 1, 2].map((step) => ({ key: 'loss', step, phase: 'ntp' as const, value: 3 - step, wallTime: step, samplesSeen: step * 4 })));
  rec.finish('completed');
  store.close();
  return id;
}

describe('opening and migrating', () => {
  it('creates a fresh store at the latest version with WAL, foreign keys and its application id', () => {
    const file = path.join(dir, 'sub', 'runs.sqlite');
    const store = openStore(file);
    expect(store.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(store.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    const tables = store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['runs', 'metrics', 'run_summary', 'metric_tiles', 'checkpoints', 'samples']));
    expect(store.backupPath).toBeUndefined();
    store.close();
  });

  it('upgrades an older store through a later migration, backing it up first', () => {
    const file = path.join(dir, 'runs.sqlite');
    const id = v1Fixture(file);
    const v2: Migration = { version: LATEST_VERSION + 1, up: (db) => db.exec('ALTER TABLE runs ADD COLUMN color TEXT') };
    const { db, backup } = openDatabase(file, { migrations: [...MIGRATIONS, v2] });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 1);
    expect(db.prepare('SELECT name, color FROM runs WHERE id = ?').get(id)).toEqual({ name: 'fixture', color: null });
    expect(db.prepare('SELECT count(*) FROM metrics').pluck().get()).toBe(3);
    db.close();
    // The backup is the store as it was before the upgrade.
    expect(backup).toBeDefined();
    const old = new Database(backup!, { readonly: true });
    expect(old.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(old.prepare('SELECT count(*) FROM metrics').pluck().get()).toBe(3);
    old.close();
    // Opening again migrates nothing more.
    const again = openDatabase(file, { migrations: [...MIGRATIONS, v2] });
    expect(again.backup).toBeUndefined();
    again.db.close();
  });

  it('rolls back a migration that fails and keeps the version', () => {
    const file = path.join(dir, 'runs.sqlite');
    v1Fixture(file);
    const bad: Migration = {
      version: LATEST_VERSION + 1,
      up: (db) => {
        db.exec('CREATE TABLE half_done (x)');
        throw new Error('boom');
      },
    };
    expect(() => openDatabase(file, { migrations: [...MIGRATIONS, bad] })).toThrow('boom');
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'half_done'`).pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a store written by a newer app, and leaves it as it was', () => {
    const file = path.join(dir, 'runs.sqlite');
    v1Fixture(file);
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_VERSION + 5}`);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    const before = sha(file);
    expectStoreError(() => openStore(file), 'too-new', /newer version of the workbench \(schema \d+, this app knows up to \d+\)/);
    expectStoreError(() => openStore(file, { readonly: true }), 'too-new', /newer version/);
    expect(sha(file)).toBe(before);
  });

  it('refuses a file that is not SQLite and leaves it byte for byte untouched', () => {
    const file = path.join(dir, 'notes.sqlite');
    fs.writeFileSync(file, crypto.randomBytes(8192));
    const before = sha(file);
    expectStoreError(() => openStore(file), 'not-a-store', new RegExp(`^not a workbench database: .*notes\\.sqlite \\(file is not a database\\)$`));
    expect(sha(file)).toBe(before);
    expect(siblings(file)).toEqual(['notes.sqlite']);
  });

  it('refuses a file with a SQLite header but a corrupt body, untouched', () => {
    const file = path.join(dir, 'broken.sqlite');
    v1Fixture(file);
    const bytes = fs.readFileSync(file);
    // Keep the 100-byte header, wreck the schema page and everything after it.
    crypto.randomFillSync(bytes, 100);
    fs.writeFileSync(file, bytes);
    for (const s of ['-wal', '-shm']) fs.rmSync(file + s, { force: true });
    const before = sha(file);
    expectStoreError(() => openStore(file), 'not-a-store', /^not a workbench database: .*broken\.sqlite \(.+\)$/);
    expect(sha(file)).toBe(before);
  });

  it("refuses another program's SQLite database, untouched", () => {
    const file = path.join(dir, 'other.db');
    const other = new Database(file);
    other.exec('CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES (1)');
    other.close();
    const before = sha(file);
    expectStoreError(() => openStore(file), 'not-a-store', /holds tables of another program/);
    expect(sha(file)).toBe(before);
  });

  it('read-only opens never create a store', () => {
    const file = path.join(dir, 'missing.sqlite');
    expectStoreError(() => openStore(file, { readonly: true }), 'not-found', /no run store/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('a read-only connection reads but cannot record', () => {
    const file = path.join(dir, 'runs.sqlite');
    const id = v1Fixture(file);
    const reader = openStore(file, { readonly: true });
    expect(reader.getRun(id)?.metrics.loss.count).toBe(3);
    expect(() => reader.recorder(id)).toThrow(/read-only/);
    expect(() => reader.db.prepare('DELETE FROM runs').run()).toThrow(/readonly/);
    reader.close();
  });
});

describe('paths', () => {
  it('puts the store in the user data folder, WORKBENCH_DB first', () => {
    expect(defaultStorePath({ WORKBENCH_DB: '/x/y.sqlite' })).toBe('/x/y.sqlite');
    if (process.platform === 'linux') {
      expect(defaultStorePath({ XDG_DATA_HOME: '/data' })).toBe('/data/ntp-rl-workbench/runs.sqlite');
      expect(defaultStorePath({})).toBe(path.join(os.homedir(), '.local/share/ntp-rl-workbench/runs.sqlite'));
    }
  });

  it('uses an Electron build of the native module only under Electron and only if present', () => {
    expect(nativeBindingPath(dir, undefined)).toBeUndefined();
    expect(nativeBindingPath(dir, '40.8.5')).toBeUndefined();
    const bin = path.join(dir, '.electron-native', '40.8.5', 'better_sqlite3.node');
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    fs.writeFileSync(bin, '');
    expect(nativeBindingPath(dir, '40.8.5')).toBe(bin);
    expect(nativeBindingPath(dir, undefined)).toBeUndefined();
  });
});

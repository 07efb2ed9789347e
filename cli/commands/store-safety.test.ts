// The store commands never destroy, create or modify what they should not, on real files.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openStore } from '../../db';
import { runCliInProcess } from '../testing/run-in-process';

let dir: string;
const workbench = (...args: string[]) => runCliInProcess(args, { WORKBENCH_DB: path.join(dir, 'default.sqlite') });
const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
/**
 * Every file under dir with its hash: "the disk as the command found it". A read-only SQLite
 * connection may leave an empty -wal and the -shm index beside a WAL store (SQLite's own
 * housekeeping, no data): those are not counted.
 */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.name.endsWith('-shm') || (entry.name.endsWith('-wal') && fs.statSync(full).size === 0)) continue;
    out[path.relative(root, full)] = entry.isFile() ? sha(full) : 'dir';
  }
  return out;
}

/** A store with two finished runs. */
function fixture(file: string): void {
  const store = openStore(file);
  for (const p of [0.25, 0.5]) {
    const id = store.createRun({ name: `p=${p}`, config: { task: { kind: 'parity', d: 8, p_cot: p } }, seed: 0, groupKey: `g${p}` });
    const rec = store.recorder(id);
    rec.metrics([0, 1, 2].map((step) => ({ key: 'loss', step, phase: 'ntp' as const, value: 1 / (step + 1), wallTime: step, samplesSeen: step })));
    rec.finish('completed');
  }
  store.close();
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-safety-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('export never destroys the store', () => {
  it('refuses --out equal to --db (the command of issue 10), leaving every run', async () => {
    const db = path.join(dir, 'X.sqlite');
    fixture(db);
    const r = await workbench('export', '--runs', 'all', '--format', 'json', '--out', db, '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`refusing to write to ${db}: it is the run store itself`);
    const store = openStore(db, { readonly: true });
    expect(store.allRunIds()).toEqual([1, 2]);
    store.close();
  });

  it('refuses the store under another name: a symlink, a hard link, its -wal and -shm', async () => {
    const db = path.join(dir, 'runs.sqlite');
    fixture(db);
    const reader = openStore(db, { readonly: true }); // keeps -wal/-shm in place while the command runs
    fs.symlinkSync(db, path.join(dir, 'alias.sqlite'));
    fs.linkSync(db, path.join(dir, 'hard.sqlite'));
    fs.mkdirSync(path.join(dir, 'sub'));
    const viaDots = path.join(dir, 'sub', '..', 'runs.sqlite');
    for (const out of ['alias.sqlite', 'hard.sqlite', 'runs.sqlite-wal', 'runs.sqlite-shm'].map((f) => path.join(dir, f)).concat(viaDots)) {
      const r = await workbench('export', '--runs', 'all', '--format', 'csv', '--out', out, '--db', db, '--force');
      expect([r.code, r.stderr], out).toEqual([2, expect.stringMatching(/refusing to write to .*: it is the run store/)]);
    }
    expect(reader.allRunIds()).toEqual([1, 2]);
    reader.close();
    const store = openStore(db);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
  });

  it('refuses to overwrite an existing file unless --force, and then replaces it whole', async () => {
    const db = path.join(dir, 'runs.sqlite');
    fixture(db);
    const out = path.join(dir, 'runs.csv');
    fs.writeFileSync(out, 'precious');
    const refused = await workbench('export', '--runs', 'all', '--format', 'csv', '--out', out, '--db', db);
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining(`refusing to overwrite ${out}: it exists (add --force to replace it)`)]);
    expect(fs.readFileSync(out, 'utf8')).toBe('precious');
    const forced = await workbench('export', '--runs', 'all', '--format', 'csv', '--out', out, '--db', db, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^run_id,run_name/);
    // Atomic: no temp file is left beside it.
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});

describe('read-only commands leave the disk as they found it', () => {
  it('list and export on a 0-byte file keep it 0 bytes and create nothing beside it', async () => {
    const empty = path.join(dir, 'empty.sqlite');
    fs.writeFileSync(empty, '');
    const before = snapshot(dir);
    const list = await workbench('list', '--db', empty);
    expect([list.code, list.stderr]).toEqual([0, expect.stringContaining('is an empty file, not a run store yet')]);
    expect((await workbench('list', '--db', empty, '--json')).stdout.trim()).toBe('[]');
    const exp = await workbench('export', '--db', empty, '--runs', 'all', '--format', 'json', '--out', path.join(dir, 'out.json'));
    expect([exp.code, exp.stderr]).toEqual([1, expect.stringContaining(`${empty} is an empty file`)]);
    const check = await workbench('check', '--db', empty);
    expect(check.code).toBe(1);
    expect(snapshot(dir)).toEqual(before);
  });

  it('list does not migrate an older store or mark its dead runs interrupted', async () => {
    const db = path.join(dir, 'runs.sqlite');
    fixture(db);
    // A run left "running" by a process that is gone.
    const store = openStore(db);
    const id = store.createRun({ name: 'orphan', config: null, seed: 0, groupKey: 'g' });
    store.db.prepare(`UPDATE runs SET status = 'running', pid = 999999999, host = ? WHERE id = ?`).run(os.hostname(), id);
    store.close();
    const before = snapshot(dir);
    const list = await workbench('list', '--db', db, '--json');
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ id, status: 'running' });
    expect(snapshot(dir)).toEqual(before);
    // And an older schema is reported, not upgraded.
    const old = new Database(db);
    old.pragma('user_version = 1');
    old.close();
    const snap = snapshot(dir);
    const r = await workbench('list', '--db', db);
    expect([r.code, r.stderr]).toEqual([1, expect.stringContaining('has schema 1, this app needs')]);
    expect(snapshot(dir)).toEqual(snap);
  });

  it('an invalid import into a missing folder creates neither the folder nor a store', async () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ format: 'ntp-rl-workbench/runs', version: 1, schemaVersion: 2, exportedAt: '', runs: [{ id: 1 }] }));
    const before = snapshot(dir);
    const r = await workbench('import', bad, '--db', path.join(dir, 'new', 'deeper', 'runs.sqlite'));
    expect([r.code, r.stderr]).toEqual([1, expect.stringMatching(/not a workbench export: runs\.0\.name: .*nothing was imported/)]);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('corruption is detected, never written to, and reported by workbench check', () => {
  /** A store of a few MB with its WAL folded in, then 16 KB of random bytes written into its middle. */
  function damagedStore(): string {
    const db = path.join(dir, 'runs.sqlite');
    const store = openStore(db);
    for (let r = 0; r < 3; r++) {
      const id = store.createRun({ name: `r${r}`, config: null, seed: r, groupKey: 'g' });
      const rec = store.recorder(id);
      for (const key of ['loss', 'eval/greedy_accuracy']) {
        rec.metrics(Array.from({ length: 20_000 }, (_, step) => ({ key, step, phase: 'ntp' as const, value: Math.sin(step), wallTime: step, samplesSeen: step })));
      }
      rec.finish('completed');
    }
    store.close();
    const size = fs.statSync(db).size;
    expect(size).toBeGreaterThan(1_000_000);
    const fd = fs.openSync(db, 'r+');
    fs.writeSync(fd, crypto.randomBytes(16 * 1024), 0, 16 * 1024, Math.floor(size / 2));
    fs.closeSync(fd);
    return db;
  }

  it('check exits 0 on a healthy store and says so', async () => {
    const db = path.join(dir, 'runs.sqlite');
    fixture(db);
    const r = await workbench('check', '--db', db);
    expect([r.code, r.stdout.trim()]).toEqual([0, `${db}: healthy (2 runs)`]);
  });

  it('refuses to list, export or write a damaged store, naming it and what to do, and leaves it as it was', async () => {
    const db = damagedStore();
    const before = snapshot(dir);
    const list = await workbench('list', '--db', db);
    expect([list.code, list.stderr]).toEqual([1, expect.stringContaining(`the run store ${db} is damaged`)]);
    for (const format of ['json', 'csv', 'html']) {
      const r = await workbench('export', '--db', db, '--runs', 'all', '--format', format, '--out', path.join(dir, `out.${format}`));
      expect([r.code, r.stderr], format).toEqual([1, expect.stringContaining('is damaged')]);
    }
    // What `workbench run` and every trainer do first: a write open, refused before anything is written.
    expect(() => openStore(db)).toThrow(/is damaged .*nothing was written to it.*workbench check --db .*\.recover/s);
    const check = await workbench('check', '--db', db);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/PROBLEMS FOUND[\s\S]*problem\s+integrity_check: /);
    expect(snapshot(dir)).toEqual(before);
  });

  it('check reports a run whose process is gone and a crashed import, and changes nothing', async () => {
    const db = path.join(dir, 'runs.sqlite');
    fixture(db);
    const store = openStore(db);
    const id = store.createRun({ name: 'orphan', config: null, seed: 0, groupKey: 'g' });
    store.db.prepare(`UPDATE runs SET status = 'running', pid = 999999999, host = ? WHERE id = ?`).run(os.hostname(), id);
    store.db.prepare(`UPDATE runs SET import_stage = ? WHERE id = 1`).run(`999999999@${os.hostname()}:1`);
    store.close();
    const before = snapshot(dir);
    const r = await workbench('check', '--db', db);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`run ${id} is marked running but its process 999999999 is gone`);
    expect(r.stdout).toContain('1 runs left staged by an import that did not finish');
    expect(snapshot(dir)).toEqual(before);
    // The next write open cleans both up.
    openStore(db).close();
    expect((await workbench('check', '--db', db)).code).toBe(0);
  });
});

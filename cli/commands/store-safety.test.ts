// The store commands never destroy, create or modify what they should not, on real files.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../db';
import { runCliInProcess } from '../testing/run-in-process';

let dir: string;
const workbench = (...args: string[]) => runCliInProcess(args, { WORKBENCH_DB: path.join(dir, 'default.sqlite') });
const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
/** Every file under dir with its hash: "the disk as the command found it". */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
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

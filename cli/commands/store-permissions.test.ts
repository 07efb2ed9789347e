// Store files that cannot be used as asked: each message names the file and the cause. Run by an
// unprivileged user (as root, the CLI is spawned as `nobody`, since root ignores permissions).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../db';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

let dir: string;

/** `workbench ...args` in its own process, as an unprivileged user. */
function workbench(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'cli', 'main.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, WORKBENCH_DB: path.join(dir, 'default.sqlite'), HOME: dir },
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function fixture(file: string): void {
  const store = openStore(file);
  store.createRun({ name: 'kept', config: { task: { kind: 'parity', d: 8, p_cot: 0.25 } }, seed: 0, groupKey: 'g' });
  store.close(); // the last connection folds the WAL in and removes -wal and -shm
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-perms-'));
  fs.chmodSync(dir, 0o777);
});
afterAll(() => {
  for (const d of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, d), 0o777);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('store files that cannot be used as asked', () => {
  it('a valid store in a read-only folder lists and exports, and a write says the folder is not writable', () => {
    const ro = path.join(dir, 'ro');
    fs.mkdirSync(ro);
    fixture(path.join(ro, 'runs.sqlite'));
    fs.chmodSync(path.join(ro, 'runs.sqlite'), 0o666); // writable itself: only the folder is in the way
    fs.chmodSync(ro, 0o555);
    const db = path.join(ro, 'runs.sqlite');
    const list = workbench('list', '--db', db, '--json');
    expect([list.code, list.stderr]).toEqual([0, '']);
    expect(JSON.parse(list.stdout).map((r: { name: string }) => r.name)).toEqual(['kept']);
    const out = path.join(dir, 'out.json');
    expect(workbench('export', '--db', db, '--runs', 'all', '--format', 'json', '--out', out).code).toBe(0);
    const imp = workbench('import', out, '--db', db);
    expect([imp.code, imp.stderr.trim()]).toEqual([1, `workbench import: cannot write to the run store ${db}: its folder ${ro} is not writable (SQLite keeps -wal and -shm files beside the store)`]);
    expect(fs.readdirSync(ro)).toEqual(['runs.sqlite']);
  });

  it('a read-only store file: reads work, a write names the file as read-only', () => {
    const db = path.join(dir, 'readonly.sqlite');
    fixture(db);
    fs.chmodSync(db, 0o444);
    expect(workbench('list', '--db', db).code).toBe(0);
    const out = path.join(dir, 'out2.json');
    expect(workbench('export', '--db', db, '--runs', 'all', '--format', 'json', '--out', out).code).toBe(0);
    const imp = workbench('import', out, '--db', db);
    expect([imp.code, imp.stderr]).toEqual([1, expect.stringContaining(`cannot write to the run store ${db}: the file is read-only (no write permission)`)]);
  });

  it('a missing folder and an unreadable file are named as such', () => {
    const missing = path.join(dir, 'nowhere', 'runs.sqlite');
    const exp = workbench('export', '--db', missing, '--runs', 'all', '--format', 'csv', '--out', '-');
    expect([exp.code, exp.stderr]).toEqual([1, expect.stringContaining(`no run store at ${missing}`)]);
    const secret = path.join(dir, 'secret.sqlite');
    fixture(secret);
    fs.chmodSync(secret, 0o600);
    if (asRoot) fs.chownSync(secret, 0, 0);
    const list = workbench('list', '--db', secret);
    expect(list.code).toBe(1);
    expect(list.stderr).toContain(secret);
    expect(list.stderr).not.toContain('not a workbench database');
  });
});

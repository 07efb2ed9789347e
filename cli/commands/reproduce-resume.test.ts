// `workbench reproduce` killed mid-way (kill -9 of the command, real processes) and rerun with the
// same arguments: it continues where it stopped, reusing the runs that had completed (same ids,
// not trained again) and training only the rest, without --reuse. `--fresh` still trains anew.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore } from '../../db';
import { runCliInProcess } from '../testing/run-in-process';

let dir: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-reproduce-resume-'));
});
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

interface RunRow {
  id: number;
  name: string;
  status: string;
  finishedAt: number | null;
  pid: number | null;
}

/** The store's runs; `whileStarting`: [] while the command has not yet created and migrated the file. */
function runsIn(db: string, whileStarting = false): RunRow[] {
  if (!fs.existsSync(db)) return [];
  let store: ReturnType<typeof openStore>;
  try {
    store = openStore(db, { readonly: true });
  } catch (err) {
    if (whileStarting) return [];
    throw err;
  }
  try {
    return store.db.prepare('SELECT id, name, status, finished_at AS finishedAt, pid FROM runs ORDER BY id').all() as RunRow[];
  } finally {
    store.close();
  }
}

async function waitFor<T>(what: string, seconds: number, check: () => T | undefined, stderr: () => string): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${seconds} s\n--- stderr:\n${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('a reproduce killed after its first run completed, rerun with the same arguments, reuses that run and trains only the rest', async () => {
  const db = path.join(dir, 'runs.sqlite');
  const out = path.join(dir, 'report.html');
  const args = ['reproduce', 'ntp-vs-rl', '--tiny', '--db', db, '--out', out];
  // One core: the runs train one after another, so the kill lands with work left to do.
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WORKBENCH_CORES: '1' } });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const firstDone = await waitFor('the first run completed', 180, () => runsIn(db, true).find((r) => r.status === 'completed'), () => stderr);
  child.kill('SIGKILL');
  await exited;
  const atKill = runsIn(db);
  expect(atKill.length, 'every run of the graph was created at submit').toBe(3);
  const completedAtKill = atKill.filter((r) => r.status === 'completed');
  expect(completedAtKill.map((r) => r.id)).toContain(firstDone.id);
  expect(completedAtKill.length, 'work was left when the command died').toBeLessThan(3);
  // Its trainer notices that its parent died and exits; wait for that rather than race it.
  for (const r of atKill) if (r.pid !== null && r.pid !== child.pid) await waitFor(`trainer ${r.pid} exited`, 60, () => (alive(r.pid!) ? undefined : true), () => stderr);

  const again = await runCliInProcess(args);
  expect(again.code, again.stderr).toBe(0);
  for (const r of completedAtKill) expect(again.stderr).toContain(`reusing run ${r.id}`);
  const after = runsIn(db);
  // No new runs: the interrupted one resumed, the queued ones trained, the completed ones untouched.
  expect(after.map((r) => r.id)).toEqual(atKill.map((r) => r.id));
  expect(after.every((r) => r.status === 'completed')).toBe(true);
  for (const r of completedAtKill) expect(after.find((x) => x.id === r.id)!.finishedAt).toBe(r.finishedAt);
  expect(again.stdout).toMatch(/^\| study \| claim/);

  // --fresh trains anew: partial-chain's full-chain run has ntp-vs-rl/ntp's config, and is not
  // reused (two new runs, the smallest study); the earlier runs stay.
  const fresh = await runCliInProcess(['reproduce', 'partial-chain', '--tiny', '--fresh', '--db', db, '--out', out]);
  expect(fresh.code, fresh.stderr).toBe(0);
  expect(fresh.stderr).not.toContain('reusing run');
  expect(runsIn(db).length).toBe(5);
}, 300_000);

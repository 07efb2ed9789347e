// Issue 10 item 5, with real processes: `workbench sweep --run` and `workbench serve` started on
// the same store while the sweep trains. Each run must be trained by exactly one of them, the
// claims must say which, and the sweep must wait for (and report) the runs the server took.
// The sweep is paused (SIGSTOP) from its first run's start until the server claimed a run, so the
// server always gets one however slowly the machine runs; then the server's trainer is paused
// until the sweep ended its own runs, so the sweep must wait on the server's alone. No assertion
// depends on timing.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStore, runClaim } from '../db';
import type { ExperimentConfig } from '../vocabulary/experiment-config';

let dir: string;
let db: string;
const children: ChildProcess[] = [];
/** Trainers this test paused: woken and killed after it, whatever happened. */
const paused: number[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'two-processes-'));
  db = path.join(dir, 'runs.sqlite');
});
afterEach(async () => {
  for (const pid of paused.splice(0)) {
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Output {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function workbench(args: string[], env: Record<string, string> = {}): Output {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Polls `check` (every 200 ms) until it returns a value; fails after `seconds` with `what` and the processes' output. */
async function waitFor<T>(what: string, seconds: number, check: () => T | undefined, ...outputs: Output[]): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not after ${seconds} s\n${outputs.map((o) => `--- stderr:\n${o.stderr()}`).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Each run's claim, read from the store file (read-only, beside the two writers). */
function claims(): Map<number, { status: string; claimedBy: string | null; pid: number | null }> {
  if (!fs.existsSync(db)) return new Map();
  const store = openStore(db, { readonly: true });
  try {
    const out = new Map<number, { status: string; claimedBy: string | null; pid: number | null }>();
    for (const run of store.listRuns({ order: 'id-asc', summaryKeys: [] })) {
      const claim = runClaim(store, run.id);
      out.set(run.id, { status: run.status, claimedBy: claim?.claimedBy ?? null, pid: claim?.pid ?? null });
    }
    return out;
  } finally {
    store.close();
  }
}

/** The pid the run's trainer recorded (the claimant's until the trainer starts). */
function trainerPid(runId: number): number | null {
  const store = openStore(db, { readonly: true });
  try {
    return (store.db.prepare('SELECT pid FROM runs WHERE id = ?').get(runId) as { pid: number | null } | undefined)?.pid ?? null;
  } finally {
    store.close();
  }
}

it('a sweep and a server on one store: every run trained once, by the process its claim names; the sweep reports the server\'s runs and exits 0', async () => {
  // One core for the sweep: it trains one run at a time, so the others stay queued for the server.
  const sweep = workbench(['sweep', '--preset', 'tiny', '--db', db, '--grid', 'seed=0,1,2', '--run'], { WORKBENCH_CORES: '1' });
  await waitFor('the sweep started its first run', 180, () => (/\[1\/3\] run \d+/.test(sweep.stderr()) ? true : undefined), sweep);
  sweep.child.kill('SIGSTOP');

  const serve = workbench(['serve', '--port', '0', '--db', db]);
  await waitFor('serve printed its URL', 120, () => (/http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(serve.stdout()) ? true : undefined), serve);
  const taken = await waitFor(
    'the server claimed a queued run of the sweep',
    120,
    () => {
      const byServer = [...claims()].filter(([, c]) => c.claimedBy === 'workbench serve').map(([id]) => id);
      return byServer.length ? byServer : undefined;
    },
    serve,
  );
  // Hold the server's trainer while the sweep trains the rest: the sweep then has nothing of its
  // own left and must stay alive, watching the store, until the server's run ends.
  const serverTrainer = await waitFor('the server\'s trainer recorded its pid', 120, () => {
    const pid = trainerPid(taken[0]!);
    return pid !== null && pid !== serve.child.pid ? pid : undefined;
  }, serve);
  paused.push(serverTrainer);
  process.kill(serverTrainer, 'SIGSTOP');
  sweep.child.kill('SIGCONT');
  await waitFor('the sweep ended its own runs', 300, () => {
    const all = [...claims()];
    const ownEnded = all.every(([, c]) => c.claimedBy === 'workbench serve' || c.status === 'completed');
    return ownEnded && all.every(([id, c]) => c.claimedBy === 'workbench serve' || sweep.stderr().includes(`run ${id} completed`)) ? true : undefined;
  }, sweep);
  // Time for a sweep that wrongly lets its event loop empty to exit (it exited 13 here).
  await new Promise((resolve) => setTimeout(resolve, 3000));
  process.kill(serverTrainer, 'SIGCONT');

  const code = await Promise.race([
    sweep.exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`sweep did not exit in 600 s\n${sweep.stderr()}`)), 600_000)),
  ]);
  expect(code, sweep.stderr()).toBe(0);

  const final = claims();
  expect([...final.keys()]).toHaveLength(3);
  for (const [id, c] of final) {
    expect(c.status, `run ${id}`).toBe('completed');
    // Exactly one claimant per run: the process whose pid the claim records.
    if (c.claimedBy === 'workbench sweep') expect(c.pid, `run ${id}`).toBe(sweep.child.pid);
    else expect([c.claimedBy, c.pid], `run ${id}`).toEqual(['workbench serve', serve.child.pid]);
  }
  const byServer = [...final].filter(([, c]) => c.claimedBy === 'workbench serve').map(([id]) => id);
  const bySweep = [...final].filter(([, c]) => c.claimedBy === 'workbench sweep').map(([id]) => id);
  expect(byServer).toEqual(expect.arrayContaining(taken));
  expect(bySweep.length).toBeGreaterThanOrEqual(1); // its first run, started before the server existed

  // Each run trained once: one contiguous NTP series per run (a second trainer would restart it).
  const store = openStore(db, { readonly: true });
  try {
    for (const id of final.keys()) {
      const run = store.getRun(id)!;
      const config = run.config as ExperimentConfig;
      expect(run.lastStep, `run ${id}`).toBe(config.ntp.steps + (config.rl?.steps ?? 0));
    }
  } finally {
    store.close();
  }

  // The sweep reported all three, the server's as completed (from the store) and marked as such on stderr.
  const lines = sweep.stdout().trim().split('\n').map((l) => JSON.parse(l) as { runId: number; status: string; rl: unknown });
  expect(lines.map((l) => l.runId).sort()).toEqual([...final.keys()].sort());
  expect(lines.every((l) => l.status === 'completed' && l.rl !== null)).toBe(true);
  for (const id of byServer) expect(sweep.stderr()).toMatch(new RegExp(`run ${id} completed in .*\\(trained by another process\\)`));
  for (const id of bySweep) expect(sweep.stderr()).not.toMatch(new RegExp(`run ${id} completed in .*\\(trained by another process\\)`));

  serve.child.kill('SIGTERM');
  expect(await serve.exited).toBe(0);
}, 900_000);

// Real processes against a real file: a writer killed with SIGKILL mid-batch, and readers
// running while several writer processes write at full speed.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './index';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const writerScript = path.join(root, 'db', 'testing', 'writer-child.ts');

let dir: string;
let children: ChildProcess[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-crash-'));
});
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children = [];
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Writer {
  child: ChildProcess;
  /** Highest step the child reported as committed. */
  flushed: () => number;
  waitFlushes: (n: number) => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startWriter(file: string, runId: number, duration: string, keys = 10): Writer {
  const child = spawn(process.execPath, ['--import', 'tsx', writerScript, file, String(runId), duration, String(keys)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let last = -1;
  let flushes = 0;
  let stderr = '';
  const waiters: { n: number; resolve: () => void }[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const m = /^flushed (\d+)$/.exec(line);
      if (m) {
        last = Number(m[1]);
        flushes++;
        for (const w of waiters.filter((w) => flushes >= w.n)) w.resolve();
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return {
    child,
    flushed: () => last,
    waitFlushes: (n) => new Promise<void>((resolve, reject) => {
      if (flushes >= n) return resolve();
      waiters.push({ n, resolve });
      void exited.then((e) => reject(new Error(`writer exited early (${e.code ?? e.signal}): ${e.stderr}`)));
    }),
    exited,
  };
}

describe('crash safety and concurrency', () => {
  it('survives kill -9 of a writer mid-batch: file intact, committed rows kept, run interrupted', async () => {
    const file = path.join(dir, 'runs.sqlite');
    const setup = openStore(file);
    const runId = setup.createRun({ name: 'victim', config: {}, seed: 0, groupKey: 'g' });
    setup.close();

    const w = startWriter(file, runId, 'forever');
    await w.waitFlushes(20);
    // Let it get into the middle of further batches, then kill it without warning.
    await new Promise((r) => setTimeout(r, 37));
    w.child.kill('SIGKILL');
    const exit = await w.exited;
    expect(exit.signal).toBe('SIGKILL');
    const committed = w.flushed();
    expect(committed).toBeGreaterThan(500);

    const store = openStore(file); // opening for write marks dead writers' runs interrupted
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const run = store.getRun(runId)!;
    expect(run.status).toBe('interrupted');
    expect(run.error).toMatch(/ended without finishing/);
    // Every step the child saw committed is there, for every key, with no gaps.
    const perKey = store.db
      .prepare('SELECT key_id, count(*) AS n, max(step) AS last FROM metrics WHERE run_id = ? GROUP BY key_id')
      .all(runId) as { n: number; last: number }[];
    expect(perKey).toHaveLength(10);
    for (const k of perKey) {
      expect(k.last).toBeGreaterThanOrEqual(committed);
      expect(k.n).toBe(k.last + 1);
    }
    // Summaries were committed in the same transactions as the rows they cover.
    for (const [key, s] of Object.entries(run.metrics)) {
      expect(s.count, key).toBe(s.lastStep + 1);
    }
    expect(store.getRun(runId)!.lastStep).toBe(perKey[0].last);
    // The interrupted run can resume from scratch (no checkpoint) and be written again.
    expect(store.prepareResume(runId)).toBeUndefined();
    expect(store.getRun(runId)!.metrics).toEqual({});
    store.close();
  });

  it('readers see no "database is locked" while two writer processes write flat out', async () => {
    const file = path.join(dir, 'runs.sqlite');
    const setup = openStore(file);
    const ids = [0, 1].map((i) => setup.createRun({ name: `w${i}`, config: {}, seed: i, groupKey: 'g' }));
    setup.close();

    const writers = ids.map((id) => startWriter(file, id, '4', 20));
    await Promise.all(writers.map((w) => w.waitFlushes(1)));
    const reader = openStore(file, { readonly: true });
    const errors: unknown[] = [];
    let reads = 0;
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      try {
        reader.listRuns();
        reader.series({ runIds: ids, keys: ['k0', 'k7', 'k19'], maxPoints: 300 });
        reader.groupSeries({ groupKey: 'g', keys: ['k3'], maxPoints: 100 });
        reader.getRun(ids[reads % 2]);
        reads++;
      } catch (err) {
        errors.push(err);
      }
      // Yield so the children's output is read; the reads themselves stay back to back.
      await new Promise((r) => setImmediate(r));
    }
    expect(errors).toEqual([]);
    expect(reads).toBeGreaterThan(10);
    const exits = await Promise.all(writers.map((w) => w.exited));
    for (const e of exits) expect(e, e.stderr).toMatchObject({ code: 0 });
    const runs = reader.listRuns();
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);
    for (const r of runs) expect(r.lastStep).toBeGreaterThan(200);
    reader.close();
  });
});

// `workbench sweep` through the CLI dispatcher on a real store file: what it queues, what it refuses.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../db';
import type { ExperimentConfig } from '../../vocabulary/experiment-config';
import { runCliInProcess } from '../testing/run-in-process';
import { parseGrid, splitValues } from './sweep';

let dir: string;
let db: string;

const workbench = (...args: string[]) => runCliInProcess(args);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-sweep-'));
  db = path.join(dir, 'runs.sqlite');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('workbench sweep', () => {
  it('queues the cross product, first axis slowest, with fixed overrides and tags', async () => {
    const r = await workbench('sweep', '--preset', 'tiny', '--db', db, '--grid', 'task.p_cot=0.1,0.5', '--grid', 'rl.algorithm=star,grpo,reinforce', '--set', 'ntp.steps=7', '--tag', 'mine');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { runId: number; values: Record<string, string>; status: string });
    expect(lines.map((l) => l.values)).toEqual([
      { 'task.p_cot': '0.1', 'rl.algorithm': 'star' },
      { 'task.p_cot': '0.1', 'rl.algorithm': 'grpo' },
      { 'task.p_cot': '0.1', 'rl.algorithm': 'reinforce' },
      { 'task.p_cot': '0.5', 'rl.algorithm': 'star' },
      { 'task.p_cot': '0.5', 'rl.algorithm': 'grpo' },
      { 'task.p_cot': '0.5', 'rl.algorithm': 'reinforce' },
    ]);
    expect(r.stderr).toContain('they start when the app opens this store');
    const store = openStore(db);
    try {
      const runs = store.listRuns({ order: 'id-asc' });
      expect(runs.map((x) => x.status)).toEqual(Array(6).fill('queued'));
      expect(runs.map((x) => x.id)).toEqual(lines.map((l) => l.runId));
      const configs = runs.map((x) => x.config as ExperimentConfig);
      expect(configs.map((c) => [c.task.p_cot, c.rl?.algorithm, c.ntp.steps])).toEqual([
        [0.1, 'star', 7], [0.1, 'grpo', 7], [0.1, 'reinforce', 7], [0.5, 'star', 7], [0.5, 'grpo', 7], [0.5, 'reinforce', 7],
      ]);
      expect(runs[0]!.tags).toEqual(['sweep', 'mine']);
      expect(new Set(runs.map((x) => x.groupKey)).size).toBe(6);
    } finally {
      store.close();
    }
  });

  it('seeds of one combination share a group key', async () => {
    const r = await workbench('sweep', '--preset', 'tiny', '--db', db, '--grid', 'seed=0,1,2');
    expect(r.code, r.stderr).toBe(0);
    const store = openStore(db);
    try {
      const runs = store.listRuns({ order: 'id-asc' });
      expect(runs.map((x) => x.seed)).toEqual([0, 1, 2]);
      expect(new Set(runs.map((x) => x.groupKey)).size).toBe(1);
    } finally {
      store.close();
    }
  });

  it('rejects a bad grid value with the field error and queues nothing', async () => {
    const r = await workbench('sweep', '--preset', 'tiny', '--db', db, '--grid', 'task.p_cot=0.2,1.5', '--grid', 'seed=0,1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('task.p_cot must be in [0,1], got 1.5 (in task.p_cot=1.5 seed=0)');
    expect(r.stderr).toContain('nothing was queued');
    expect(r.stdout).toBe('');
    expect(fs.existsSync(db)).toBe(false); // not even the store was created
    const unknown = await workbench('sweep', '--preset', 'tiny', '--db', db, '--grid', 'ntp.stepz=1,2');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('ntp has unknown key "stepz"');
  });

  it('refuses a grid over the cap with the count and the cap, before creating the store', async () => {
    const ten = Array.from({ length: 10 }, (_, i) => i).join(',');
    const r = await workbench('sweep', '--preset', 'tiny', '--db', db, '--grid', `seed=${ten},10`, '--grid', `ntp.steps=${ten.replace(/\d+/g, (x) => String(Number(x) + 1))}`, '--grid', `eval.heldOut=${ten.replace(/\d+/g, (x) => String(Number(x) + 8))}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a sweep of 1,100 runs exceeds the cap of 1,000 runs per sweep; nothing was queued');
    expect(fs.existsSync(db)).toBe(false);
  });

  it('refuses a prototype-reaching grid path', async () => {
    const r = await workbench('sweep', '--preset', 'tiny', '--db', db, '--grid', '__proto__.polluted=1,2');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("__proto__.polluted: '__proto__' is not a config field");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses missing grids and malformed specs', async () => {
    expect((await workbench('sweep', '--preset', 'tiny', '--db', db)).code).toBe(2);
    expect((await workbench('sweep', '--preset', 'tiny', '--db', db, '--grid', 'task.p_cot')).stderr).toContain('--grid takes KEY=V1,V2');
    expect((await workbench('sweep', '--preset', 'nope', '--db', db, '--grid', 'seed=1')).stderr).toContain("unknown preset 'nope'");
  });

  it('splits values on commas outside JSON', () => {
    expect(splitValues('0.1, 0.2,0.3')).toEqual(['0.1', '0.2', '0.3']);
    expect(splitValues('"full",{"leap":2}')).toEqual(['"full"', '{"leap":2}']);
    expect(parseGrid('model={"layers":1,"width":16},{"layers":2,"width":16}').values).toEqual(['{"layers":1,"width":16}', '{"layers":2,"width":16}']);
  });

  it('runs them with --run', async () => {
    const r = await workbench('sweep', '--preset', 'tiny', '--db', db, '--grid', 'task.p_cot=0.2,0.5', '--set', 'ntp.steps=4', '--set', 'rl=null', '--set', 'ntp.evalEvery=0', '--set', 'eval.heldOut=8', '--run');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status: string; ntp: { greedyAccuracy: number } | null; rl: unknown });
    expect(lines.map((l) => l.status)).toEqual(['completed', 'completed']);
    expect(lines.every((l) => l.ntp !== null && l.rl === null)).toBe(true);
  }, 90_000);

  it('--concurrency 1 trains the runs one after the other', async () => {
    const r = await workbench('sweep', '--preset', 'tiny', '--db', db, '--grid', 'task.p_cot=0.2,0.5', '--set', 'ntp.steps=4', '--set', 'rl=null', '--set', 'ntp.evalEvery=0', '--set', 'eval.heldOut=8', '--run', '--concurrency', '1');
    expect(r.code, r.stderr).toBe(0);
    const store = openStore(db, { readonly: true });
    try {
      const [first, second] = store.listRuns({ order: 'id-asc' });
      expect([first!.status, second!.status]).toEqual(['completed', 'completed']);
      // The second was started only once the first had finished.
      expect(second!.startedAt!).toBeGreaterThanOrEqual(first!.finishedAt!);
    } finally {
      store.close();
    }
  }, 90_000);

  it('refuses a --concurrency that is not a whole number from 1 to 64, or one without --run, queuing nothing', async () => {
    for (const bad of ['0', '65', '2.5', 'two', '-1']) {
      const r = await workbench('sweep', '--preset', 'tiny', '--db', db, '--grid', 'seed=0,1', '--run', `--concurrency=${bad}`);
      expect([r.code, r.stderr.trim()], bad).toEqual([2, `workbench sweep: --concurrency: runs at once must be a whole number from 1 to 64, got '${bad}'`]);
    }
    const queued = await workbench('sweep', '--preset', 'tiny', '--db', db, '--grid', 'seed=0,1', '--concurrency', '2');
    expect([queued.code, queued.stderr.trim()]).toEqual([2, 'workbench sweep: --concurrency goes with --run (without it nothing trains here)']);
    const reproduce = await workbench('reproduce', 'threshold', '--tiny', '--db', db, '--concurrency', '0');
    expect([reproduce.code, reproduce.stderr]).toEqual([2, expect.stringContaining("--concurrency: runs at once must be a whole number from 1 to 64, got '0'")]);
    expect(fs.existsSync(db)).toBe(false);
  });
});

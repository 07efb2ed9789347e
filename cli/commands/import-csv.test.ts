// Long-format CSV comes back in as runs with their metrics (and, from the per-run table beside it,
// their configs), validated like a JSON bundle before anything is written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../db';
import { runCliInProcess } from '../testing/run-in-process';

let dir: string;
const workbench = (...args: string[]) => runCliInProcess(args, { WORKBENCH_DB: path.join(dir, 'default.sqlite') });
const source = () => path.join(dir, 'source.sqlite');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csv-import-'));
  const store = openStore(source());
  for (const p of [0.1, 0.4]) {
    const config = { task: { kind: 'parity', d: 8, p_cot: p }, seed: 0 };
    const id = store.createRun({ name: `p=${p}, "quoted"`, config, seed: 0, groupKey: `p${p}`, tags: ['sweep'] });
    const rec = store.recorder(id);
    rec.metrics([0, 10, 20].map((step) => ({ key: 'eval/greedy_accuracy', step, phase: 'ntp' as const, value: p + step / 100, wallTime: step / 10, samplesSeen: step * 8 })));
    rec.metrics([21, 22].map((step) => ({ key: 'reward', step, phase: 'rl' as const, value: step === 21 ? Number.NaN : 0.75, wallTime: step / 10, samplesSeen: step * 8 })));
    rec.finish('completed');
  }
  store.close();
  const r = await workbench('export', '--db', source(), '--runs', 'all', '--format', 'csv', '--out', path.join(dir, 'sweep.csv'));
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('workbench import FILE.csv', () => {
  it('brings the runs home with their metrics and, from X.runs.csv, their configs', async () => {
    const target = path.join(dir, 'target.sqlite');
    const r = await workbench('import', path.join(dir, 'sweep.csv'), '--db', target, '--json');
    expect(r.code, r.stderr).toBe(0);
    const store = openStore(target, { readonly: true });
    try {
      const runs = store.listRuns({ order: 'id-asc' });
      expect(runs.map((x) => x.name)).toEqual(['p=0.1, "quoted"', 'p=0.4, "quoted"']);
      expect(runs.map((x) => (x.config as { task: { p_cot: number } }).task.p_cot)).toEqual([0.1, 0.4]);
      expect(runs[0]!.tags).toEqual(['sweep', 'csv-import']);
      const acc = store.series({ runIds: [runs[1]!.id], keys: ['eval/greedy_accuracy'], maxPoints: 100 })[0]!;
      expect(acc.x).toEqual([0, 10, 20]);
      expect(acc.y.map((v) => Number(v.toFixed(6)))).toEqual([0.4, 0.5, 0.6]);
      // the NaN reward at step 21 travels as NaN and reads back as the source store reads it
      const src = openStore(source(), { readonly: true });
      const before = src.series({ runIds: [2], keys: ['reward'], maxPoints: 100 })[0]!;
      src.close();
      const reward = store.series({ runIds: [runs[1]!.id], keys: ['reward'], maxPoints: 100 })[0]!;
      expect({ x: reward.x, y: reward.y }).toEqual({ x: before.x, y: before.y });
      expect(reward.x).toContain(22);
      expect(store.listCheckpoints(runs[0]!.id)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('without a per-run table the runs come in without a config', async () => {
    const lone = path.join(dir, 'lone.csv');
    fs.copyFileSync(path.join(dir, 'sweep.csv'), lone);
    const target = path.join(dir, 'lone.sqlite');
    expect((await workbench('import', lone, '--db', target)).code).toBe(0);
    const store = openStore(target, { readonly: true });
    try {
      expect(store.listRuns({}).map((x) => x.config)).toEqual([null, null]);
    } finally {
      store.close();
    }
  });

  it('refuses a bad CSV with the place of the problem, creating nothing', async () => {
    const bad = path.join(dir, 'bad.csv');
    const lines = fs.readFileSync(path.join(dir, 'sweep.csv'), 'utf8').split('\n');
    lines[2] = lines[2]!.replace(/,10,ntp,/, ',1.5,ntp,');
    fs.writeFileSync(bad, lines.join('\n'));
    const target = path.join(dir, 'missing-folder', 'never.sqlite');
    const r = await workbench('import', bad, '--db', target);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/runs\.\d+\.metrics\.\d+\.step\.\d+/);
    expect(fs.existsSync(path.dirname(target))).toBe(false);
    const header = await workbench('import', path.join(dir, 'sweep.runs.csv'), '--db', target);
    expect(header.code).toBe(2);
    expect(header.stderr).toMatch(/per-run table/);
  });
});

// The run-store commands through the CLI dispatcher, on real store files.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../db';
import { runCliInProcess } from '../testing/run-in-process';

// The store takes group keys from its callers; a readable label will do here.
const groupKeyOf = (config: { task: { kind: string; d: number; p_cot: number } }) => `p_cot-${config.task.p_cot}`;

let dir: string;
let db: string;

/** Runs `workbench ...args` in this process; the default store is a temp file, never the user's. */
const workbench = (...args: string[]) => runCliInProcess(args, { WORKBENCH_DB: path.join(dir, 'default.sqlite') });

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-store-'));
  db = path.join(dir, 'runs.sqlite');
  const store = openStore(db);
  for (const p of [0.25, 0.5]) {
    const config = { task: { kind: 'parity', d: 20, p_cot: p }, seed: 0 };
    const id = store.createRun({ name: `p=${p}`, config, seed: 0, groupKey: groupKeyOf(config), tags: p < 0.3 ? ['below'] : [] });
    const rec = store.recorder(id);
    rec.markRunning({ backend: 'cpu', backendVersion: '4.22.0', threads: 1, pid: process.pid });
    rec.metrics([0, 50, 100].map((step) => ({ key: 'eval/greedy_accuracy', step, phase: 'ntp' as const, value: p < 0.3 ? 0.5 : step / 100, wallTime: step, samplesSeen: step * 8 })));
    rec.metrics([0, 50, 100].map((step) => ({ key: 'loss', step, phase: 'ntp' as const, value: 2 / (step + 1), wallTime: step, samplesSeen: step * 8 })));
    rec.finish('completed');
  }
  store.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('workbench list / export / import', () => {
  it('lists runs as a table and as JSON, with filters', async () => {
    const table = await workbench('list', '--db', db);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+NAME\s+STEP\s+GREEDY ACC/);
    expect(lines[1]).toMatch(/^ 2\s+completed\s+p=0\.5\s+100\s+1\s/);
    expect(lines[2]).toMatch(/^ 1\s+completed\s+p=0\.25\s+100\s+0\.500\s.*below$/);
    const json = JSON.parse((await workbench('list', '--db', db, '--json')).stdout);
    expect(json.map((r: { name: string }) => r.name)).toEqual(['p=0.5', 'p=0.25']);
    expect(json[1].metrics['eval/greedy_accuracy'].lastValue).toBe(0.5);
    expect((await workbench('list', '--db', db, '--tag', 'below')).stdout.trimEnd().split('\n')).toHaveLength(2);
    expect((await workbench('list', '--db', db, '--status', 'bogus')).code).toBe(2);
    const empty = await workbench('list', '--json');
    expect([empty.code, empty.stdout.trim()]).toEqual([0, '[]']); // WORKBENCH_DB points at a file not yet created
  });

  it('exports JSON that imports into another store under new ids, and CSV in long format', async () => {
    const out = path.join(dir, 'export.json');
    expect((await workbench('export', '--db', db, '--runs', 'all', '--format', 'json', '--out', out)).code).toBe(0);
    const other = path.join(dir, 'other.sqlite');
    const seed = openStore(other);
    seed.createRun({ name: 'local', config: {}, seed: 0, groupKey: 'x' });
    seed.close();
    const imported = await workbench('import', out, '--db', other, '--json');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ imported: [{ from: 1, to: 2 }, { from: 2, to: 3 }] });
    const names = JSON.parse((await workbench('list', '--db', other, '--json')).stdout).map((r: { id: number; name: string }) => [r.id, r.name]);
    expect(names).toEqual([[3, 'p=0.5'], [2, 'p=0.25'], [1, 'local']]);

    const csv = await workbench('export', '--db', db, '--runs', '2', '--format', 'csv', '--out', '-');
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('run_id,run_name,group_key,seed,key,step,phase,value,wall_time,samples_seen');
    expect(lines).toHaveLength(1 + 6);
    expect(lines).toContain(`2,p=0.5,${groupKeyOf({ task: { kind: 'parity', d: 20, p_cot: 0.5 } })},0,eval/greedy_accuracy,50,ntp,0.5,50,400`);
  });

  it('exports an HTML report naming the runs, with SVG charts', async () => {
    const out = path.join(dir, 'report.html');
    const r = await workbench('export', '--db', db, '--runs', '1,2', '--format', 'html', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('p=0.25');
    expect(html).toContain('p=0.5');
  });

  it('refuses bad arguments with exit 2 and a foreign file with exit 1, leaving it untouched', async () => {
    expect((await workbench('export', '--db', db, '--runs', '1', '--format', 'xml', '--out', '-')).code).toBe(2);
    expect((await workbench('export', '--db', db, '--runs', 'x', '--format', 'json', '--out', '-')).code).toBe(2);
    const missing = await workbench('export', '--db', db, '--runs', '7', '--format', 'json', '--out', '-');
    expect([missing.code, missing.stderr.trim()]).toEqual([1, `workbench export: no run 7 in ${db}`]);
    const junk = path.join(dir, 'junk.sqlite');
    fs.writeFileSync(junk, crypto.randomBytes(5000));
    const before = fs.readFileSync(junk);
    const r = await workbench('list', '--db', junk);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`workbench list: not a workbench database: ${junk} (file is not a database)`);
    expect(fs.readFileSync(junk).equals(before)).toBe(true);
    const notExport = path.join(dir, 'x.json');
    fs.writeFileSync(notExport, '{"hello": 1}');
    expect((await workbench('import', notExport, '--db', path.join(dir, 'other2.sqlite'))).code).toBe(1);
  });

  it('exports every run of a store larger than one view may select (more than 10,000)', async () => {
    const big = path.join(dir, 'big.sqlite');
    const store = openStore(big);
    store.db.transaction(() => {
      for (let i = 0; i < 10_050; i++) store.createRun({ name: `r${i}`, config: null, seed: 0, groupKey: 'g' });
    })();
    store.close();
    const out = path.join(dir, 'big.runs.csv');
    const r = await workbench('export', '--db', big, '--runs', 'all', '--format', 'csv', '--out', path.join(dir, 'big.csv'));
    expect([r.code, r.stderr]).toEqual([0, expect.stringContaining('exported 10050 runs as csv')]);
    expect(fs.readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(10_051);
  }, 60_000);
});

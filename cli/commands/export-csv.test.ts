// The CSV export is analysis-ready: a p_cot sweep pivots into accuracy against p_cot from the
// per-run table alone, with nothing but a CSV parser.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../db';
import { runCliInProcess } from '../testing/run-in-process';

let dir: string;
const workbench = (...args: string[]) => runCliInProcess(args, { WORKBENCH_DB: path.join(dir, 'default.sqlite') });

/** RFC 4180: quoted fields, doubled quotes, commas and newlines inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  return rows;
}

const SWEEP = [0.1, 0.25, 0.4];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csv-export-'));
  const store = openStore(path.join(dir, 'runs.sqlite'));
  for (const p of SWEEP) {
    for (const seed of [0, 1]) {
      const config = { task: { kind: 'parity', d: 8, p_cot: p }, seed };
      const id = store.createRun({ name: `p=${p}, "seed" ${seed}`, config, seed, groupKey: `p${p}`, tags: ['sweep'] });
      const rec = store.recorder(id);
      // Accuracy rises to a plateau set by p_cot (and a little by the seed), then dips at the end.
      rec.metrics([0, 1, 2, 3].map((step) => ({ key: 'eval/greedy_accuracy', step, phase: 'ntp' as const, value: step === 3 ? p : step === 2 ? p + 0.5 + seed / 100 : 0.5, wallTime: step, samplesSeen: step })));
      rec.finish('completed');
    }
  }
  store.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('workbench export --format csv', () => {
  it('writes X.runs.csv beside X.csv: one row per run, config flattened, last and best per key', async () => {
    const out = path.join(dir, 'sweep.csv');
    const r = await workbench('export', '--db', path.join(dir, 'runs.sqlite'), '--runs', 'all', '--format', 'csv', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^run_id,run_name,group_key,seed,key,step,phase,value,wall_time,samples_seen\n/);
    const [header, ...rows] = parseCsv(fs.readFileSync(path.join(dir, 'sweep.runs.csv'), 'utf8'));
    expect(rows).toHaveLength(SWEEP.length * 2);
    const col = (name: string) => {
      const i = header.indexOf(name);
      expect(i, `column ${name} in ${header.join(',')}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    // The pivot: mean best greedy accuracy per p_cot, from the CSV alone.
    const byP = new Map<number, number[]>();
    for (const row of rows) {
      const p = Number(row[col('config.task.p_cot')]);
      byP.set(p, [...(byP.get(p) ?? []), Number(row[col('eval/greedy_accuracy.best')])]);
    }
    const pivot = [...byP].sort((a, b) => a[0] - b[0]).map(([p, v]) => [p, v.reduce((s, x) => s + x, 0) / v.length]);
    expect(pivot.map(([p]) => p)).toEqual(SWEEP);
    pivot.forEach(([p, mean]) => expect(mean).toBeCloseTo(p + 0.505));
    for (const row of rows) {
      expect(Number(row[col('eval/greedy_accuracy.last')])).toBe(Number(row[col('config.task.p_cot')]));
      expect(row[col('status')]).toBe('completed');
      expect(row[col('tags')]).toBe('sweep');
      expect(row[col('run_name')]).toMatch(/^p=0\.\d+, "seed" \d$/); // quotes and commas survive
    }
  });
});

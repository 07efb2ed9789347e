// Crafted bundles: each is refused before anything is written, naming the JSON path of the problem.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type ExportBundle, type RunStore } from './index';

let dir: string;
let store: RunStore;
let good: ExportBundle;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-check-'));
  store = openStore(path.join(dir, 'runs.sqlite'));
  const config = { task: { kind: 'parity', d: 8, p_cot: 0.25 } };
  const parent = store.createRun({ name: 'ntp', config, seed: 0, groupKey: 'g' });
  const rec = store.recorder(parent);
  rec.metrics([0, 1, 2].map((step) => ({ key: 'loss', step, phase: 'ntp' as const, value: 1, wallTime: step, samplesSeen: step })));
  const ckpt = rec.checkpoint({ phase: 'ntp', step: 2, bytes: new Uint8Array([1, 2, 3]), meta: {} });
  rec.finish('completed');
  store.createRun({ name: 'rl', config, seed: 0, groupKey: 'g', parentRunId: parent, parentCheckpointId: ckpt });
  good = JSON.parse(JSON.stringify(store.exportRuns([1, 2], { checkpoints: true })));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A copy of the good bundle with `edit` applied. */
const crafted = (edit: (b: ExportBundle) => void): unknown => {
  const b = structuredClone(good);
  edit(b);
  return b;
};

const cases: [string, () => unknown, RegExp][] = [
  ['null root', () => null, /not a workbench export: \(root\): /],
  ['duplicate run ids', () => crafted((b) => (b.runs[1].id = b.runs[0].id)), /runs\.1\.id: duplicate run id 1 \(also runs\.0\)/],
  ['self-parent', () => crafted((b) => ((b.runs[0].parentRunId = 1), (b.runs[0].parentCheckpointId = null))), /runs\.0\.parentRunId: run 1 is its own parent/],
  ['parent cycle', () => crafted((b) => ((b.runs[0].parentRunId = 2), (b.runs[1].parentCheckpointId = null))), /runs\.0\.parentRunId: parent links of run 1 form a cycle/],
  ['invalid experiment config', () => crafted((b) => (b.runs[0].config = { task: { kind: 'parity', d: 8, p_cot: 7 } })), /runs\.0\.config\.task\.p_cot: not a valid experiment config: .*got 7/],
  ['invalid base64 checkpoint', () => crafted((b) => (b.runs[0].checkpoints[0].bytes = 'not base64!')), /runs\.0\.checkpoints\.0\.bytes: must be base64/],
  ['float step', () => crafted((b) => (b.runs[0].metrics[0].step[1] = 1.5)), /runs\.0\.metrics\.0\.step\.1: must be an integer/],
  ['negative step', () => crafted((b) => (b.runs[0].metrics[0].step[0] = -1)), /runs\.0\.metrics\.0\.step\.0: must not be negative/],
  ['huge step', () => crafted((b) => (b.runs[0].metrics[0].step[2] = 1e300)), /runs\.0\.metrics\.0\.step\.2: /],
  ['duplicate (run, key, step)', () => crafted((b) => (b.runs[0].metrics[0].step[2] = 1)), /runs\.0\.metrics\.0\.step\.2: step 1 of 'loss' appears twice/],
  ['duplicate key series', () => crafted((b) => b.runs[0].metrics.push(structuredClone(b.runs[0].metrics[0]))), /runs\.0\.metrics\.1\.key: key 'loss' appears twice/],
  ['name over 200 characters', () => crafted((b) => (b.runs[0].name = 'x'.repeat(201))), /runs\.0\.name: must be at most 200 characters/],
  ['notes over 20,000 characters', () => crafted((b) => (b.runs[1].notes = 'x'.repeat(20_001))), /runs\.1\.notes: must be at most 20000 characters/],
];

describe('import validates the whole bundle before writing anything', () => {
  it.each(cases)('refuses %s with its JSON path, importing nothing', (_name, make, message) => {
    const before = store.db.prepare('SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM metrics) + (SELECT count(*) FROM checkpoints)').pluck().get();
    expect(() => store.importBundle(make())).toThrow(message);
    expect(store.db.prepare('SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM metrics) + (SELECT count(*) FROM checkpoints)').pluck().get()).toBe(before);
  });

  it('lists the first few problems of a bundle with many', () => {
    const bad = crafted((b) => b.runs.forEach((r) => (r.name = 'x'.repeat(300))));
    expect(() => store.importBundle(bad)).toThrow(/runs\.0\.name: .*; runs\.1\.name: .*nothing was imported/);
  });

  it('still imports the good bundle, parent link and all', () => {
    const [ntp, rl] = store.importBundle(good);
    expect(store.getRun(rl)).toMatchObject({ parentRunId: ntp, parentCheckpointId: store.latestCheckpoint(ntp)!.id });
  });

  it('imports a checkpoint of standard-scale size (6 MB of base64 overflowed the validator), bytes intact', () => {
    // 12 MB of weights and AdamW moments: the size a d=20 headline-model checkpoint has, doubled.
    const bytes = Buffer.alloc(12 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const big = crafted((b) => (b.runs[0].checkpoints[0].bytes = bytes.toString('base64')));
    const [ntp] = store.importBundle(big);
    const imported = store.latestCheckpoint(ntp)!;
    expect(Buffer.from(store.getCheckpoint(imported.id)!.bytes).equals(bytes)).toBe(true);
  });

  it.each(['QUJD=', 'QU=J', 'QUJDR===', '===='])('refuses the non-canonical base64 %s', (bad) => {
    expect(() => store.importBundle(crafted((b) => (b.runs[0].checkpoints[0].bytes = bad)))).toThrow(/checkpoints\.0\.bytes: must be base64/);
  });

  it('keeps the runs hidden while it writes them, revealing them only at the end', () => {
    const big = crafted((b) => {
      const s = b.runs[0].metrics[0];
      const n = 2500;
      Object.assign(s, { step: [...Array(n).keys()], phase: Array(n).fill('ntp'), value: Array(n).fill(0.5), wallTime: Array(n).fill(1), samplesSeen: Array(n).fill(1) });
    });
    let looks = 0;
    let seenEarly = false;
    // Another connection looks at what the import has committed so far, chunk after chunk.
    const reader = openStore(path.join(dir, 'runs.sqlite'), { readonly: true });
    let staged = 0;
    store.db.function('look', () => {
      looks++;
      if (reader.allRunIds().length > 2 || reader.listRuns().length > 2) seenEarly = true;
      staged = Math.max(staged, reader.db.prepare('SELECT count(*) FROM runs WHERE import_stage IS NOT NULL').pluck().get() as number);
      return 0;
    });
    store.db.exec(`CREATE TEMP TRIGGER watch AFTER INSERT ON main.metrics WHEN NEW.step % 500 = 0 BEGIN SELECT look(); END`);
    const ids = store.importBundle(big, { chunkRows: 500 });
    expect(looks).toBe(5);
    expect(seenEarly).toBe(false);
    expect(staged).toBe(1); // the first run: committed in an earlier transaction, yet invisible
    expect(reader.allRunIds()).toEqual([1, 2, ...ids]);
    reader.close();
    expect(store.getRun(ids[0])!.metrics.loss.count).toBe(2500);
  });
});

// Schema 4 gave `rl.algorithm: 'star'` a new meaning (rounds). Runs stored or exported before it
// must keep the one they were trained with, or resuming and cloning them would train something else.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../vocabulary/experiment-config';
import { openStore } from './index';
import { openDatabase } from './open';
import { MIGRATIONS } from './schema';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const oldStar = { task: { kind: 'parity', d: 8, p_cot: 0.25 }, rl: { algorithm: 'star', steps: 20 }, seed: 0 };
const oldGrpo = { task: { kind: 'parity', d: 8, p_cot: 0.25 }, rl: { algorithm: 'grpo', steps: 20 }, seed: 0 };
const newStar = { task: { kind: 'parity', d: 8, p_cot: 0.25 }, rl: { algorithm: 'star', steps: 5, star: { mode: 'rounds' } }, seed: 0 };

function configOf(store: ReturnType<typeof openStore>, id: number): unknown {
  return store.getRun(id)!.config;
}

describe('configs from before STaR rounds', () => {
  it('the schema-4 migration pins stored STaR runs to one-step and leaves the rest alone', () => {
    const file = path.join(dir, 'runs.sqlite');
    const { db } = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 3) });
    const insert = db.prepare("INSERT INTO runs(name, created_at, config, seed, group_key) VALUES (?, 0, ?, 0, 'g')");
    const star = Number(insert.run('star', JSON.stringify(oldStar)).lastInsertRowid);
    const grpo = Number(insert.run('grpo', JSON.stringify(oldGrpo)).lastInsertRowid);
    const stray = Number(insert.run('not json', 'null').lastInsertRowid);
    db.close();

    const store = openStore(file);
    try {
      expect(configOf(store, star)).toEqual({ ...oldStar, rl: { ...oldStar.rl, star: { mode: 'one-step' } } });
      expect(parseConfig(configOf(store, star)).rl!.star.mode).toBe('one-step');
      expect(configOf(store, grpo)).toEqual(oldGrpo);
      expect(configOf(store, stray)).toBeNull();
    } finally {
      store.close();
    }
  });

  it('an import of an older bundle keeps its STaR runs one-step; a current bundle is taken as it is', () => {
    const store = openStore(path.join(dir, 'runs.sqlite'));
    try {
      const source = store.createRun({ name: 'star', config: oldStar, seed: 0, groupKey: 'g' });
      const fresh = store.createRun({ name: 'star rounds', config: newStar, seed: 0, groupKey: 'h' });
      const bundle = store.exportRuns([source, fresh], { checkpoints: false });
      const [a, b] = store.importBundle({ ...bundle, schemaVersion: 3 });
      expect((configOf(store, a!) as typeof newStar).rl.star).toEqual({ mode: 'one-step' });
      expect((configOf(store, b!) as typeof newStar).rl.star).toEqual({ mode: 'rounds' });
      const [c] = store.importBundle(store.exportRuns([source], { checkpoints: false }));
      expect((configOf(store, c!) as typeof oldStar & { rl: { star?: unknown } }).rl.star).toBeUndefined();
    } finally {
      store.close();
    }
  });
});

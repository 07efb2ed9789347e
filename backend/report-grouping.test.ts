// The report from a real store: it follows the view that exported it (grouped or not).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type RunStore } from '../db';
import { buildComparisonReport } from './report';

let dir: string;
let store: RunStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
  store = openStore(path.join(dir, 'runs.sqlite'));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function seedPair(): number[] {
  return [0, 1].map((seed) => {
    const id = store.createRun({ name: `pair seed ${seed}`, config: { task: { kind: 'parity', d: 8, p_cot: 0.25 }, seed }, seed, groupKey: 'same-config' });
    const rec = store.recorder(id);
    rec.metrics([0, 10, 20].map((step) => ({ key: 'eval/greedy_accuracy', step, phase: 'ntp' as const, value: 0.5 + step / 100 + seed / 10, wallTime: step, samplesSeen: step })));
    rec.finish('completed');
    return id;
  });
}

describe('buildComparisonReport', () => {
  it('draws seed groups by default and one line per run when the view was ungrouped', async () => {
    const ids = seedPair();
    const grouped = await buildComparisonReport(store, ids, { keys: ['eval/greedy_accuracy'], appVersion: 'test' });
    expect(grouped).toContain('2 seeds');
    const ungrouped = await buildComparisonReport(store, ids, { keys: ['eval/greedy_accuracy'], groupSeeds: false, appVersion: 'test' });
    expect(ungrouped).not.toContain('2 seeds');
    expect(ungrouped).not.toContain('seed groups');
    expect(ungrouped).toContain(`pair seed 0 (#${ids[0]})`);
    expect(ungrouped).toContain(`pair seed 1 (#${ids[1]})`);
  });
});

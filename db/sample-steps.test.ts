// Samples browsed by evaluation step, not only the latest.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openStore } from './index';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sample-steps-'));
const store = openStore(path.join(dir, 'runs.sqlite'));
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('lists the steps that logged samples and the samples of one step', () => {
  const id = store.createRun({ name: 'r', config: {}, seed: 0, groupKey: 'g' });
  const rec = store.recorder(id);
  for (const step of [10, 20, 30]) {
    rec.samples([0, 1].map((i) => ({ phase: 'ntp' as const, step, kind: 'greedy' as const, prompt: `p${step}.${i}`, response: 'r', correct: true, length: 1 })));
  }
  rec.finish('completed');
  expect(store.sampleSteps(id)).toEqual([30, 20, 10]);
  expect(store.listSamples(id, { step: 20 }).map((s) => s.prompt).sort()).toEqual(['p20.0', 'p20.1']);
  expect(store.listSamples(id, { step: 25 })).toEqual([]);
  expect(store.listSamples(id, { limit: 2 }).every((s) => s.step === 30)).toBe(true);
});

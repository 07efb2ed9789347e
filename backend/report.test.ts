// The comparison report on a real store file: the mechanism's branch probabilities are drawn with
// their theory lines wherever the runs logged them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../db';
import { METRIC } from '../vocabulary/metric-keys';
import { buildComparisonReport } from './report';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function storeWith(branchMetrics: boolean) {
  const store = openStore(path.join(dir, `${branchMetrics ? 'with' : 'without'}.sqlite`));
  const config = { task: { kind: 'parity', d: 20, p_cot: 0.25, chain: 'full' }, seed: 0 };
  const id = store.createRun({ name: 'headline', config, seed: 0, groupKey: 'g', tags: [] });
  const rec = store.recorder(id);
  rec.markRunning({ backend: 'cpu', backendVersion: '4.22.0', threads: 1, pid: process.pid });
  const keys = [METRIC.greedyAccuracy, ...(branchMetrics ? [METRIC.branchStartLong, METRIC.branchContinue, METRIC.branchContinueGreedy] : [])];
  for (const key of keys) rec.metrics([50, 100, 150].map((step) => ({ key, step, phase: 'ntp' as const, value: 0.4, wallTime: step, samplesSeen: step * 64 })));
  rec.finish('completed');
  return { store, id };
}

describe('comparison report', () => {
  it('adds the branch-probability charts with (1+p)/2, 2p/(1+p) and the 1/2 boundary where logged', async () => {
    const { store, id } = storeWith(true);
    const html = await buildComparisonReport(store, [id], { appVersion: 'test' });
    store.close();
    for (const key of [METRIC.branchStartLong, METRIC.branchContinue, METRIC.branchContinueGreedy]) expect(html).toContain(`data-key="${key}"`);
    expect(html).toContain('(1+p)/2 at p_cot=0.25');
    expect(html).toContain('2p/(1+p) at p_cot=0.25');
    expect(html).toContain('greedy boundary 1/2');
  });

  it('leaves them out for runs that did not log them', async () => {
    const { store, id } = storeWith(false);
    const html = await buildComparisonReport(store, [id], { appVersion: 'test' });
    store.close();
    expect(html).not.toContain(`data-key="${METRIC.branchContinue}"`);
  });
});

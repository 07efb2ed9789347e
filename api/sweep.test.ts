// The sweep cap and expansion shared by the service, the CLI and the launch form; the service's
// half through its real dispatcher on a real store file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorkbenchService } from '../backend/service';
import { expandSweep, MAX_SWEEP_RUNS, type SweepAxis } from './sweep';

const TINY = { task: { kind: 'parity', d: 4, p_cot: 0.5 }, model: { layers: 1, heads: 2, width: 16 }, backend: 'cpu' };
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('sweep expansion', () => {
  it('checks the size before expanding and names the count and the cap', () => {
    const axes: SweepAxis[] = [
      { path: 'seed', values: range(100) },
      { path: 'ntp.steps', values: range(100).map((i) => i + 1) },
      { path: 'ntp.batchSize', values: range(100).map((i) => i + 1) },
    ];
    const started = Date.now();
    const result = expandSweep(TINY, axes);
    expect(Date.now() - started).toBeLessThan(1000); // 10^6 configs were never built
    expect(result).toMatchObject({ ok: false, kind: 'too-large', message: `a sweep of 1,000,000 runs exceeds the cap of 1,000 runs per sweep` });
    expect(expandSweep(TINY, [{ path: 'seed', values: range(MAX_SWEEP_RUNS) }]).ok).toBe(true);
    expect(expandSweep(TINY, [{ path: 'seed', values: range(MAX_SWEEP_RUNS + 1) }]).ok).toBe(false);
  });

  it('expands in order, first axis slowest, and labels bad combinations', () => {
    const ok = expandSweep(TINY, [{ path: 'task.p_cot', values: [0.1, 0.2] }, { path: 'seed', values: [0, 1] }]);
    expect(ok.ok && ok.configs.map((c) => [c.task.p_cot, c.seed])).toEqual([[0.1, 0], [0.1, 1], [0.2, 0], [0.2, 1]]);
    const bad = expandSweep(TINY, [{ path: 'task.p_cot', values: [0.1, 2] }]);
    expect(bad).toMatchObject({ ok: false, kind: 'invalid-config' });
    expect(!bad.ok && bad.errors).toEqual([{ path: 'task.p_cot', message: 'task.p_cot must be in [0,1], got 2 (in task.p_cot=2)' }]);
  });

  it('the service refuses an oversized runs/start with the count and the cap, and queues nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-cap-'));
    const service = await createWorkbenchService({ storePath: join(dir, 'runs.sqlite'), mode: 'browser' });
    try {
      const sweep = [{ path: 'seed', values: range(100) }, { path: 'ntp.steps', values: range(100).map((i) => i + 1) }, { path: 'eval.heldOut', values: range(100).map((i) => i + 8) }];
      const reply = await service.call('runs/start', { config: TINY, sweep });
      expect(reply).toEqual({
        ok: false,
        error: { code: 'bad-request', message: 'a sweep of 1,000,000 runs exceeds the cap of 1,000 runs per sweep', fieldErrors: [{ path: 'sweep', message: 'a sweep of 1,000,000 runs exceeds the cap of 1,000 runs per sweep' }] },
      });
      const listed = await service.call('runs/list', {});
      expect(listed).toEqual({ ok: true, data: [] });
    } finally {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

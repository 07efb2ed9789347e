// slurm/submit expands a sweep exactly like runs/start: the size cap is checked before expanding and
// config paths are guarded, so a crafted request writes no job folder and pollutes nothing.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Reply } from '../api/contract';
import { createWorkbenchService } from './service';

const dir = mkdtempSync(join(tmpdir(), 'slurm-submit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('slurm/submit', () => {
  it('refuses an oversized sweep and a __proto__ path before writing a job folder', async () => {
    const storePath = join(dir, 'runs.sqlite');
    const service = await createWorkbenchService({ storePath, mode: 'cli', concurrency: 0 });
    try {
      const values = Array.from({ length: 100 }, (_, i) => i);
      const config = { task: { kind: 'parity', d: 4, p_cot: 0.5 } };
      const huge = (await service.call('slurm/submit', { config, sweep: [0, 1, 2].map((i) => ({ path: `ntp.steps`, values: values.map((v) => v + i) })) })) as Reply<unknown>;
      expect(huge.ok).toBe(false);
      if (!huge.ok) expect(huge.error.message).toMatch(/1,000,000 runs exceeds the cap of 1,000/);
      const polluted = (await service.call('slurm/submit', { config, sweep: [{ path: '__proto__.polluted', values: [1] }] })) as Reply<unknown>;
      expect(polluted.ok).toBe(false);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const jobs = join(dir, 'slurm-jobs');
      expect(existsSync(jobs) ? readdirSync(jobs) : []).toEqual([]);
    } finally {
      await service.close();
    }
  });
});

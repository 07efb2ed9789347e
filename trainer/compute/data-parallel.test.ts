import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './tfjs-runtime';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DataParallel, workerScript } from './data-parallel';
import { parseConfig } from '../../vocabulary/experiment-config';
import { modelConfigFor } from '../model/model-config';
import { GPT } from '../model/model';
import { NtpTrainer } from '../algorithms/ntp';
import { makeTask } from '../tasks';

beforeAll(async () => {
  await initBackend('wasm');
});

const config = parseConfig({
  task: { kind: 'parity', d: 6, p_cot: 0.5 },
  model: { layers: 1, heads: 2, width: 32, mlpRatio: 2 },
  ntp: { steps: 6, batchSize: 16, lr: 3e-3, warmupSteps: 0, weightDecay: 0.01 },
  seed: 4,
});

const pools: DataParallel[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

/** Losses of 6 NTP steps and the final weights, with `workers` replicas (1 = no worker threads). */
async function train(workers: number): Promise<{ losses: number[]; weights: Float32Array[] }> {
  const model = new GPT(modelConfigFor(config), config.seed);
  const dp = workers > 1 ? await DataParallel.start(workers, model) : null;
  if (dp) pools.push(dp);
  const trainer = new NtpTrainer(model, makeTask(config.task), config.ntp, config.seed, null, dp);
  const losses: number[] = [];
  for (let i = 0; i < config.ntp.steps; i++) losses.push((await trainer.step(i, true)).loss!);
  const weights = model.variables.map((v) => (v.dataSync() as Float32Array).slice());
  trainer.dispose();
  model.dispose();
  return { losses, weights };
}

const maxAbsDiff = (a: Float32Array[], b: Float32Array[]) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
  return m;
};

describe('data-parallel NTP (worker threads, shared-memory gradient sum)', () => {
  it('is bit-for-bit reproducible for a given worker count, and agrees across worker counts within float tolerance', async () => {
    const one = await train(1);
    const twoA = await train(2);
    const twoB = await train(2);
    const three = await train(3);
    // same seed, same worker count: identical
    expect(twoB.losses).toEqual(twoA.losses);
    expect(maxAbsDiff(twoA.weights, twoB.weights)).toBe(0);
    // across worker counts only the summation order differs
    for (const other of [twoA, three]) {
      for (let i = 0; i < one.losses.length; i++) expect(Math.abs(other.losses[i] - one.losses[i]), `step ${i}`).toBeLessThan(1e-4);
      expect(maxAbsDiff(one.weights, other.weights)).toBeLessThan(1e-4);
    }
    // training moved the weights (a broken update would agree trivially)
    const init = new GPT(modelConfigFor(config), config.seed);
    expect(maxAbsDiff(one.weights, init.variables.map((v) => v.dataSync() as Float32Array))).toBeGreaterThan(1e-3);
    init.dispose();
    expect(one.losses.at(-1)!).toBeLessThan(one.losses[0]);
  }, 120_000);
});

describe('the replica script', () => {
  it('is the TypeScript source under tsx, and the bundled dp-worker.cjs beside a bundled trainer', () => {
    const source = workerScript();
    expect(source.eval).toBe(true);
    expect(source.source).toContain('/trainer/compute/dp-worker.ts');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-bundle-'));
    try {
      const trainerBundle = pathToFileURL(path.join(dir, 'trainer.cjs')).href;
      // without the worker bundle beside it, the trainer bundle would look for the source
      expect(workerScript(trainerBundle).eval).toBe(true);
      writeFileSync(path.join(dir, 'dp-worker.cjs'), '');
      expect(workerScript(trainerBundle)).toEqual({ source: path.join(dir, 'dp-worker.cjs'), eval: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a process that awaits the replicas', () => {
  it('stays alive until their rollouts arrive (the idle pool is unref\'d, a pending reply is not)', () => {
    // in its own process: under vitest something else always keeps the event loop alive
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-alive-'));
    const here = path.dirname(fileURLToPath(import.meta.url));
    const script = path.join(dir, 'alive.mts');
    writeFileSync(
      script,
      `import { initBackend } from ${JSON.stringify(path.join(here, 'tfjs-runtime.ts'))};
import { GPT } from ${JSON.stringify(path.join(here, '../model/model.ts'))};
import { DataParallel } from ${JSON.stringify(path.join(here, 'data-parallel.ts'))};
await initBackend('wasm');
const model = new GPT({ vocabSize: 4, blockSize: 32, nLayer: 1, nHead: 2, nEmbd: 16, mlpRatio: 2 }, 1);
const dp = await DataParallel.start(2, model);
const prompts = Array.from({ length: 64 }, () => new Int32Array([0, 1, 2]));
// this thread's shard is one row, the worker's 63: this thread waits for the worker
const g = await dp.generate(model, prompts, [[0, 1], [1, 64]], prompts.map((_, i) => i), 1, { maxNewTokens: 20, temperature: 1, eosId: 3 });
console.log('rows ' + g.tokens.length);
await dp.close();
`,
    );
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000, cwd: path.join(here, '../..') });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('rows 64');
      expect(r.status).toBe(0); // 13: the top-level await never settled (the process ran out of work)
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

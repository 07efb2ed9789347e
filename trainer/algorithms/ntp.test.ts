import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/tfjs-runtime';
import { parseConfig } from '../../vocabulary/experiment-config';
import { modelConfigFor } from '../model/model-config';
import { GPT } from '../model/model';
import { NtpTrainer } from './ntp';
import { makeTask } from '../tasks';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('online NTP', () => {
  it('a tiny model learns the d=6 chain (masked loss below 0.05 within 250 steps) without leaking tensors', async () => {
    const config = parseConfig({
      task: { kind: 'parity', d: 6, p_cot: 1 },
      model: { layers: 2, heads: 4, width: 64, mlpRatio: 4 },
      ntp: { steps: 250, batchSize: 32, lr: 3e-3, warmupSteps: 10, weightDecay: 0 },
    });
    const task = makeTask(config.task);
    const model = new GPT(modelConfigFor(config), 1);
    const trainer = new NtpTrainer(model, task, config.ntp, 1);
    const first = (await trainer.step(0, true)).loss!;
    let tensorsAt10 = 0;
    let last = Infinity;
    for (let i = 1; i < config.ntp.steps; i++) {
      const r = await trainer.step(i, i % 10 === 0 || i === config.ntp.steps - 1);
      if (i === 10) tensorsAt10 = tf.memory().numTensors;
      if (r.loss !== undefined) last = r.loss;
      if (last < 0.05) break;
    }
    expect(first).toBeGreaterThan(0.5); // ln 4 at init, give or take
    expect(last).toBeLessThan(0.05);
    expect(tf.memory().numTensors).toBe(tensorsAt10);
    trainer.dispose();
    model.dispose();
  });
});

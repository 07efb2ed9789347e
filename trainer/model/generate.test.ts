import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/tfjs-runtime';
import { generate, generateUncached, mulberry32 } from './generate';
import { GPT, type GPTConfig } from './model';
import { maskedCrossEntropy } from './losses';
import { AdamW, optimizerStep } from './optim';

beforeAll(async () => {
  await initBackend('cpu');
});

const EOS = 3;
const cfg: GPTConfig = { vocabSize: 4, blockSize: 12, nLayer: 1, nHead: 2, nEmbd: 16, mlpRatio: 2 };

/** Teach a tiny model: prompt 0 0 -> "1 2 EOS"; prompt 1 1 -> "2 2 2 2 2 ..." (no EOS soon). */
function trainedModel(): GPT {
  const m = new GPT(cfg, 11);
  const seqs = [
    [0, 0, 1, 2, EOS, EOS, EOS, EOS, EOS, EOS, EOS],
    [1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2],
  ];
  const T = seqs[0].length - 1;
  const idx = tf.tensor2d(seqs.flatMap((s) => s.slice(0, T)), [2, T], 'int32');
  const tgt = tf.tensor2d(seqs.flatMap((s) => s.slice(1)), [2, T], 'int32');
  // loss on the response positions only (after the 2-token prompt)
  const mask = tf.tensor2d(seqs.flatMap(() => Array.from({ length: T }, (_, t) => (t >= 1 ? 1 : 0))), [2, T]);
  // the production step: AdamW and the masked loss NTP trains with
  const opt = new AdamW(m.variables, { weightDecay: 0 });
  let loss = Infinity;
  for (let i = 0; i < 200 && loss > 0.01; i++) {
    const r = optimizerStep(opt, 0.02, 0, () => ({ loss: maskedCrossEntropy(m.forward(idx), { input: idx, target: tgt, mask }) }));
    loss = r.loss.dataSync()[0];
    r.loss.dispose();
    r.gradNorm.dispose();
  }
  opt.dispose();
  expect(loss).toBeLessThan(0.05);
  return m;
}

describe('generate', () => {
  it('stops each row at EOS, keeps EOS out of the tokens, and respects the cap', async () => {
    const m = trainedModel();
    const prompts = [Int32Array.from([0, 0]), Int32Array.from([1, 1]), Int32Array.from([0, 0])];
    const before = tf.memory().numTensors;
    const g = await generate(m, prompts, { maxNewTokens: 6, temperature: 0, eosId: EOS, seed: 1 });
    expect(tf.memory().numTensors).toBe(before); // nothing leaks
    expect(Array.from(g.tokens[0])).toEqual([1, 2]);
    expect(Array.from(g.tokens[1])).toEqual([2, 2, 2, 2, 2, 2]); // truncated at the cap
    expect(Array.from(g.lengths)).toEqual([2, 6, 2]);
    expect(Array.from(g.finished)).toEqual([1, 0, 1]);
    // A cap shorter than the answer truncates the EOS row too.
    const short = await generate(m, prompts.slice(0, 1), { maxNewTokens: 2, temperature: 0, eosId: EOS, seed: 1 });
    expect(Array.from(short.tokens[0])).toEqual([1, 2]);
    expect(Array.from(short.finished)).toEqual([0]);
    const one = await generate(m, prompts.slice(0, 1), { maxNewTokens: 1, temperature: 0, eosId: EOS, seed: 1 });
    expect(Array.from(one.tokens[0])).toEqual([1]);
    await expect(generate(m, prompts, { maxNewTokens: 12, temperature: 0, eosId: EOS, seed: 1 })).rejects.toThrow(/blockSize 12/);
    await expect(generate(m, [Int32Array.from([0]), Int32Array.from([0, 0])], { maxNewTokens: 2, temperature: 0, eosId: EOS, seed: 1 })).rejects.toThrow(/same length/);
    m.dispose();
  });

  it('gives the same tokens with and without the KV cache (greedy and sampled)', async () => {
    const m = new GPT({ ...cfg, nLayer: 2, blockSize: 16 }, 5);
    const prompts = Array.from({ length: 6 }, (_, i) => Int32Array.from([i % 3, (i * 2) % 3, 1, 0]));
    for (const temperature of [0, 1]) {
      const opts = { maxNewTokens: 10, temperature, eosId: EOS, seed: 3 };
      const a = await generate(m, prompts, opts);
      const b = await generateUncached(m, prompts, opts);
      expect(a.tokens.map((t) => Array.from(t))).toEqual(b.tokens.map((t) => Array.from(t)));
      expect(Array.from(a.finished)).toEqual(Array.from(b.finished));
    }
    m.dispose();
  });

  it('samples reproducibly from its seed', async () => {
    const m = new GPT(cfg, 6);
    const prompts = Array.from({ length: 8 }, () => Int32Array.from([0, 1]));
    const run = async (seed: number) => (await generate(m, prompts, { maxNewTokens: 8, temperature: 1.5, eosId: EOS, seed })).tokens.map((t) => Array.from(t).join(''));
    expect(await run(1)).toEqual(await run(1));
    expect(await run(1)).not.toEqual(await run(2));
    m.dispose();
  });

  it('has a uniform PRNG', () => {
    const r = mulberry32(42);
    let s = 0;
    for (let i = 0; i < 10000; i++) s += r();
    expect(s / 10000).toBeGreaterThan(0.48);
    expect(s / 10000).toBeLessThan(0.52);
  });
});

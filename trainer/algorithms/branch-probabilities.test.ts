import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../model/model';
import { ParityTask } from '../tasks/parity';
import { measureBranchProbabilities } from './branch-probabilities';

const softmax = (logits: number[]) => {
  const e = logits.map((l) => Math.exp(l - Math.max(...logits)));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
};

/**
 * A GPT whose next-token distribution depends only on the position: token embeddings and every
 * residual projection are zero (blocks are the identity), each position's embedding is a zero-mean,
 * unit-variance vector (LayerNorm leaves it as it is), and the head maps it onto chosen logits.
 */
function positionalModel(d: number, atFirst: number[], atSecond: number[]): GPT {
  const cfg = { vocabSize: 4, blockSize: d + 1 + d + 1, nLayer: 1, nHead: 1, nEmbd: 4, mlpRatio: 1 };
  const template = new GPT(cfg, 1);
  const weights = new Map<string, Float32Array>();
  template.variableNames.forEach((name, i) => {
    const size = template.variables[i].size;
    const w = new Float32Array(size);
    if (name.endsWith('weight')) w.fill(1); // LayerNorm gains
    weights.set(name, w);
  });
  template.dispose();
  const C = 4;
  const r2 = Math.SQRT2;
  const wpe = weights.get('wpe')!;
  const P = d + 1; // prompt length: d bits and '='
  wpe.set([r2, -r2, 0, 0], (P - 1) * C); // predicts the first response token
  wpe.set([0, 0, r2, -r2], P * C); // predicts the token after it
  const head = weights.get('lm_head')!; // [C, V], row-major
  for (let v = 0; v < 4; v++) {
    head[0 * 4 + v] = atFirst[v] / r2;
    head[2 * 4 + v] = atSecond[v] / r2;
  }
  return new GPT(cfg, 1, weights);
}

describe('branch probabilities', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('equal the known next-token probabilities of a hand-built model', async () => {
    const d = 6;
    const task = new ParityTask({ kind: 'parity', d, p_cot: 0.25, chain: 'full' });
    // Vocabulary 0, 1, '=', EOS. First position: token 0 is likelier than 1; second: EOS competes.
    const first = softmax([1.5, 0.2, -2, 0.5]);
    const second = softmax([0.3, -1, -3, 1.2]);
    const model = positionalModel(d, [1.5, 0.2, -2, 0.5], [0.3, -1, -3, 1.2]);
    const prompts = task.heldOut(3, 64);
    const got = (await measureBranchProbabilities(model, task, prompts))!;
    // What the definitions give for these prompts: x1 and x1^x2 pick which probability counts.
    const chains = prompts.map((e) => task.chainOf(e.prompt));
    const mean = (f: (c: Int32Array) => number) => chains.reduce((a, c) => a + f(c), 0) / chains.length;
    expect(got.startLong).toBeCloseTo(mean((c) => first[c[0]]), 4);
    expect(got.continueLong).toBeCloseTo(mean((c) => second[c[1]]), 4);
    // EOS is the argmax after the first token, so greedy never continues.
    expect(got.continueGreedyShare).toBe(0);
    model.dispose();
  });

  it('counts greedy continuation where the chain token is the argmax', async () => {
    const d = 5;
    const task = new ParityTask({ kind: 'parity', d, p_cot: 0.5, chain: 'full' });
    const model = positionalModel(d, [0, 0, 0, 0], [2, 0, -1, 1]); // token 0 wins after x1
    const prompts = task.heldOut(4, 50);
    const got = (await measureBranchProbabilities(model, task, prompts))!;
    const zeros = prompts.filter((e) => task.chainOf(e.prompt)[1] === 0).length;
    expect(got.startLong).toBeCloseTo(0.25, 5);
    expect(got.continueGreedyShare).toBeCloseTo(zeros / prompts.length, 10);
    expect(zeros).toBeGreaterThan(0);
    expect(zeros).toBeLessThan(prompts.length);
    model.dispose();
  });
});

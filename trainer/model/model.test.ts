import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/tfjs-runtime';
import { GPT, validateGPTConfig, type GPTConfig } from './model';
import { maskedCrossEntropy } from './losses';
import { AdamW, optimizerStep } from './optim';

// The pure-JS cpu backend is the plain-ops reference; fast-wasm.test.ts checks wasm against it.
beforeAll(async () => {
  await initBackend('cpu');
});

const tiny: GPTConfig = { vocabSize: 4, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8, mlpRatio: 2 };

function batch(B: number, T: number, V: number, seed: number): { idx: tf.Tensor2D; tgt: tf.Tensor2D } {
  return {
    idx: tf.randomUniformInt([B, T], 0, V, seed) as tf.Tensor2D,
    tgt: tf.randomUniformInt([B, T], 0, V, seed + 1) as tf.Tensor2D,
  };
}

describe('GPT', () => {
  it('maps int32 [B,T] to logits [B,T,V] and refuses bad input', () => {
    const m = new GPT(tiny, 1);
    const { idx } = batch(3, 5, 4, 1);
    const logits = m.forward(idx);
    expect(logits.shape).toEqual([3, 5, 4]);
    expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    expect(() => m.forward(tf.zeros([1, 9], 'int32') as tf.Tensor2D)).toThrow(/blockSize 8/);
    expect(() => m.forward(tf.zeros([1, 3]) as tf.Tensor2D)).toThrow(/int32/);
    expect(() => validateGPTConfig({ ...tiny, nEmbd: 9 })).toThrow(/model.width \(9\) must be divisible by model.heads \(2\)/);
    m.dispose();
  });

  it('has GPT-2 init: std 0.02, residual projections scaled, same seed same weights', () => {
    const cfg: GPTConfig = { ...tiny, nEmbd: 64, nLayer: 4, nHead: 4 };
    const a = new GPT(cfg, 7);
    const b = new GPT(cfg, 7);
    const c = new GPT(cfg, 8);
    const names = a.variableNames;
    const std = (v: tf.Variable) => tf.tidy(() => tf.sqrt(tf.mean(tf.square(v))).dataSync()[0]);
    const at = (n: string) => a.variables[names.indexOf(n)];
    expect(std(at('wte'))).toBeGreaterThan(0.015);
    expect(std(at('wte'))).toBeLessThan(0.025);
    expect(std(at('h.0.mlp.fc'))).toBeCloseTo(0.02, 2);
    expect(std(at('h.0.mlp.proj'))).toBeCloseTo(0.02 / Math.sqrt(8), 2);
    expect(Array.from(at('h.0.ln_1.weight').dataSync())).toEqual(new Array(64).fill(1));
    expect(Buffer.from(a.toBytes()).equals(Buffer.from(b.toBytes()))).toBe(true);
    expect(Buffer.from(a.toBytes()).equals(Buffer.from(c.toBytes()))).toBe(false);
    a.dispose(); b.dispose(); c.dispose();
  });

  it('is causal: changing a later token leaves earlier logits unchanged', () => {
    const m = new GPT(tiny, 2);
    const x1 = tf.tensor2d([[0, 1, 2, 3, 0, 1]], [1, 6], 'int32');
    const x2 = tf.tensor2d([[0, 1, 2, 3, 2, 2]], [1, 6], 'int32');
    const l1 = m.forward(x1).arraySync()[0];
    const l2 = m.forward(x2).arraySync()[0];
    expect(l1.slice(0, 4)).toEqual(l2.slice(0, 4));
    expect(l1[4]).not.toEqual(l2[4]);
    m.dispose();
  });

  it('round-trips through bytes bit-exactly (same bytes, same logits)', () => {
    const m = new GPT(tiny, 3);
    // Train a step first so the weights are not just the seeded init.
    const opt = new AdamW(m.variables, { weightDecay: 0.01 });
    const { idx, tgt } = batch(2, 6, 4, 3);
    const mask = tf.ones([2, 6]) as tf.Tensor2D;
    const step = optimizerStep(opt, 0.01, 1, () => ({ loss: maskedCrossEntropy(m.forward(idx), { input: idx, target: tgt, mask }) }));
    tf.dispose([step.loss, step.gradNorm]);
    opt.dispose();
    const bytes = m.toBytes();
    // Stored inside a larger buffer at an odd offset, as a database blob may be.
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    const r = GPT.fromBytes(padded.subarray(3));
    expect(r.config).toEqual(tiny);
    expect(Buffer.from(r.toBytes()).equals(Buffer.from(bytes))).toBe(true);
    const a = m.forward(idx).dataSync();
    const b = r.forward(idx).dataSync();
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    expect(() => GPT.fromBytes(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/bad magic/);
    expect(() => GPT.fromBytes(bytes.subarray(0, bytes.length - 4))).toThrow(/truncated/);
    // copyWeightsFrom makes an independent model compute the same logits.
    const c = new GPT(tiny, 99);
    c.copyWeightsFrom(m);
    expect(Array.from(c.forward(idx).dataSync())).toEqual(Array.from(a));
    m.dispose(); r.dispose(); c.dispose();
  });

  it('matches finite differences of the loss along random directions (float32, cpu)', () => {
    const m = new GPT(tiny, 4);
    const { idx, tgt } = batch(2, 6, 4, 4);
    const mask = tf.ones([2, 6]) as tf.Tensor2D;
    const lossOf = () => maskedCrossEntropy(m.forward(idx), { input: idx, target: tgt, mask });
    const { grads } = tf.variableGrads(lossOf, m.variables);
    const eps = 1e-3;
    const vars = m.variables;
    for (let i = 0; i < vars.length; i++) {
      const v = vars[i];
      const orig = v.clone();
      const dir = tf.randomNormal(v.shape, 0, 1, 'float32', 100 + i);
      const analytic = tf.sum(tf.mul(grads[v.name], dir)).dataSync()[0];
      v.assign(tf.add(orig, tf.mul(dir, eps)));
      const lp = lossOf().dataSync()[0];
      v.assign(tf.sub(orig, tf.mul(dir, eps)));
      const lm = lossOf().dataSync()[0];
      v.assign(orig);
      const numeric = (lp - lm) / (2 * eps);
      // float32 loss ~1.4 has rounding ~1e-7, i.e. ~1e-5 in the quotient; O(eps^2) truncation on top.
      const tol = 2e-3 + 2e-2 * Math.abs(analytic);
      expect(Math.abs(numeric - analytic), `${m.variableNames[i]}: numeric ${numeric} vs analytic ${analytic}`).toBeLessThan(tol);
      orig.dispose();
      dir.dispose();
    }
    m.dispose();
  });
});

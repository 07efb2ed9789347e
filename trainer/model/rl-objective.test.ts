import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/tfjs-runtime';
import { clippedSurrogate, klK3 } from './rl-objective';

beforeAll(async () => {
  await initBackend('wasm');
});

// Scalar references, written from the definitions (PPO's clipped objective; Schulman's k3).
function clippedRef(ratio: number, a: number, eps: number): { value: number; clipped: boolean } {
  const unclipped = ratio * a;
  const clippedValue = Math.min(Math.max(ratio, 1 - eps), 1 + eps) * a;
  return { value: Math.min(unclipped, clippedValue), clipped: clippedValue < unclipped };
}
const klRef = (cur: number, ref: number) => Math.exp(ref - cur) - (ref - cur) - 1;

/** The tensor implementation on one token, read back. */
function surrogate(ratio: number, a: number, eps: number): { value: number; clipped: boolean } {
  return tf.tidy(() => {
    const r = clippedSurrogate(tf.tensor2d([[ratio]]), tf.tensor2d([[a]]), eps);
    return { value: r.value.dataSync()[0], clipped: r.clipped.dataSync()[0] === 1 };
  });
}

describe('RL objective (tensors)', () => {
  it('clipped surrogate takes the pessimistic term', () => {
    // A > 0, ratio above 1+eps: clipped to 1.2 * 2 = 2.4
    expect(surrogate(1.5, 2, 0.2).clipped).toBe(true);
    expect(surrogate(1.5, 2, 0.2).value).toBeCloseTo(2.4, 6);
    // A > 0, ratio below 1-eps: unclipped 0.5 * 2 = 1 is smaller, no clip
    expect(surrogate(0.5, 2, 0.2)).toEqual({ value: 1, clipped: false });
    // A < 0, ratio below 1-eps: clipped 0.8 * -1 = -0.8 < -0.5
    expect(surrogate(0.5, -1, 0.2).clipped).toBe(true);
    expect(surrogate(0.5, -1, 0.2).value).toBeCloseTo(-0.8, 6);
    // A < 0, ratio above: unclipped -1.5 is smaller
    expect(surrogate(1.5, -1, 0.2)).toEqual({ value: -1.5, clipped: false });
    expect(surrogate(1, 3, 0.2)).toEqual({ value: 3, clipped: false });
  });

  it('k3 KL is zero at equality and positive otherwise', () => {
    const kl = (cur: number, ref: number) => tf.tidy(() => klK3(tf.scalar(cur), tf.scalar(ref)).dataSync()[0]);
    expect(kl(-1, -1)).toBe(0);
    // d = ref - cur = -0.5 -> e^-0.5 + 0.5 - 1 = 0.10653
    expect(kl(-0.5, -1)).toBeCloseTo(0.10653, 4);
  });

  it('agrees with the scalar references on a [B, T] batch with a per-row advantage', () => {
    const B = 16;
    const T = 12;
    let s = 12345;
    const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const ratio = Float32Array.from({ length: B * T }, () => 0.5 + rand());
    const adv = Float32Array.from({ length: B }, () => 4 * rand() - 2);
    const cur = Float32Array.from({ length: B * T }, () => -3 * rand());
    const ref = Float32Array.from({ length: B * T }, () => -3 * rand());
    const out = tf.tidy(() => {
      const r = clippedSurrogate(tf.tensor2d(ratio, [B, T]), tf.tensor2d(adv, [B, 1]), 0.2);
      return { value: r.value.dataSync(), clipped: r.clipped.dataSync(), kl: klK3(tf.tensor2d(cur, [B, T]), tf.tensor2d(ref, [B, T])).dataSync() };
    });
    let clippedCount = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const i = b * T + t;
        // the reference in float32, as the tensors compute it
        const want = clippedRef(ratio[i], adv[b], Math.fround(0.2));
        expect(out.value[i]).toBeCloseTo(want.value, 5);
        expect(out.clipped[i] === 1).toBe(want.clipped);
        if (want.clipped) clippedCount++;
        expect(out.kl[i]).toBeCloseTo(klRef(cur[i], ref[i]), 4);
      }
    }
    expect(clippedCount).toBeGreaterThan(0); // the batch exercises both branches
    expect(clippedCount).toBeLessThan(B * T);
  });
});

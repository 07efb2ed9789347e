import { describe, expect, it } from 'vitest';
import { ema } from './smoothing';

describe('ema', () => {
  it('returns the input unchanged at weight 0', () => {
    expect(ema([1, 5, 2], 0)).toEqual([1, 5, 2]);
  });

  it('is debiased: a constant series stays constant from the first point', () => {
    const out = ema([3, 3, 3, 3], 0.9);
    for (const v of out) expect(v).toBeCloseTo(3, 12);
  });

  it('lags behind a step and converges to it', () => {
    const values = [...Array(10).fill(0), ...Array(200).fill(1)];
    const out = ema(values, 0.9);
    expect(out[10]).toBeGreaterThan(0);
    expect(out[10]).toBeLessThan(0.5);
    expect(out[209]).toBeCloseTo(1, 6);
  });

  it('matches the hand-computed debiased average', () => {
    // w = 0.5: s1 = 0.5*2 / 0.5 = 2; s2 = (0.5*1 + 0.5*4) / 0.75 = 10/3... computed below
    const [a, b] = ema([2, 4], 0.5);
    expect(a).toBeCloseTo(2, 12);
    expect(b).toBeCloseTo((0.25 * 2 + 0.5 * 4) / 0.75, 12);
  });

  it('keeps NaN as a gap without corrupting later points', () => {
    const out = ema([1, Number.NaN, 1], 0.8);
    expect(Number.isNaN(out[1])).toBe(true);
    expect(out[2]).toBeCloseTo(1, 12);
  });
});

import { describe, expect, it } from 'vitest';
import { baselineAdvantages, clippedSurrogate, fracZeroStdGroups, groupAdvantages, klK3 } from './rl-math';

describe('RL math (hand-computed)', () => {
  it('GRPO advantages are normalized within each group', () => {
    // group 1: [1,0,0,0]: mean .25, std sqrt(.1875)=.4330 -> 1.7321, -.5774 x3
    // group 2: [1,1,1,1]: std 0 -> all 0 (no signal)
    const a = groupAdvantages([1, 0, 0, 0, 1, 1, 1, 1], 4);
    expect(a[0]).toBeCloseTo(1.7321, 3);
    expect(a[1]).toBeCloseTo(-0.5774, 3);
    expect(Array.from(a.slice(4))).toEqual([0, 0, 0, 0]);
    // group of two: [1, 0] -> +1, -1
    const b = groupAdvantages([1, 0], 2);
    expect(b[0]).toBeCloseTo(1, 4);
    expect(b[1]).toBeCloseTo(-1, 4);
  });

  it('REINFORCE baseline is the batch mean', () => {
    expect(Array.from(baselineAdvantages([1, 0, 0, 1, 1]))).toEqual([0.4, -0.6, -0.6, 0.4, 0.4].map(Math.fround));
  });

  it('counts groups with zero reward std', () => {
    expect(fracZeroStdGroups([1, 1, 0, 1, 0, 0], 2)).toBeCloseTo(2 / 3);
  });

  it('clipped surrogate takes the pessimistic term', () => {
    // A > 0, ratio above 1+eps: clipped to 1.2 * 2 = 2.4
    expect(clippedSurrogate(1.5, 2, 0.2)).toEqual({ value: 2.4, clipped: true });
    // A > 0, ratio below 1-eps: unclipped 0.5 * 2 = 1 is smaller, no clip
    expect(clippedSurrogate(0.5, 2, 0.2)).toEqual({ value: 1, clipped: false });
    // A < 0, ratio below 1-eps: clipped 0.8 * -1 = -0.8 < -0.5
    expect(clippedSurrogate(0.5, -1, 0.2)).toEqual({ value: -0.8, clipped: true });
    // A < 0, ratio above: unclipped -1.5 is smaller
    expect(clippedSurrogate(1.5, -1, 0.2)).toEqual({ value: -1.5, clipped: false });
    expect(clippedSurrogate(1, 3, 0.2)).toEqual({ value: 3, clipped: false });
  });

  it('k3 KL is zero at equality and positive otherwise', () => {
    expect(klK3(-1, -1)).toBe(0);
    // d = ref - cur = -0.5 -> e^-0.5 + 0.5 - 1 = 0.10653
    expect(klK3(-0.5, -1)).toBeCloseTo(0.10653, 4);
  });
});

import { describe, expect, it } from 'vitest';
import { baselineAdvantages, fracZeroStdGroups, groupAdvantages } from './rl-math';

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
});

import { describe, expect, it } from 'vitest';
import { getLr } from './schedule';

describe('getLr', () => {
  it('warms up linearly then holds (constant)', () => {
    const s = { lr: 1e-3, warmupSteps: 4, schedule: 'constant' as const, steps: 100 };
    expect([0, 1, 2, 3, 4, 99].map((i) => getLr(i, s))).toEqual([2.5e-4, 5e-4, 7.5e-4, 1e-3, 1e-3, 1e-3]);
  });
  it('cosine decays from the peak to a tenth at the last step', () => {
    const s = { lr: 1, warmupSteps: 0, schedule: 'cosine' as const, steps: 10 };
    expect(getLr(0, s)).toBeCloseTo(1);
    expect(getLr(5, s)).toBeCloseTo(0.55); // halfway: (1 + 0.1) / 2
    expect(getLr(10, s)).toBeCloseTo(0.1);
  });
});

import { describe, expect, it } from 'vitest';
import { CoreBudget } from './core-budget';

describe('core budget', () => {
  it('gives a lone run every core and splits them between runs that start together', () => {
    const alone = new CoreBudget(8);
    expect(alone.take(1)).toBe(8);
    expect(alone.take(1)).toBeNull();
    alone.give(8);
    expect(alone.free).toBe(8);

    const four = new CoreBudget(8);
    expect([four.take(4), four.take(3), four.take(2), four.take(1)]).toEqual([2, 2, 2, 2]);
    expect(four.free).toBe(0);

    const many = new CoreBudget(2);
    expect([many.take(5), many.take(4), many.take(3)]).toEqual([1, 1, null]);
  });

  it('takes its total from WORKBENCH_CORES, else the machine', () => {
    const saved = process.env.WORKBENCH_CORES;
    process.env.WORKBENCH_CORES = '3';
    try {
      expect(new CoreBudget().total).toBe(3);
    } finally {
      if (saved === undefined) delete process.env.WORKBENCH_CORES;
      else process.env.WORKBENCH_CORES = saved;
    }
    expect(() => new CoreBudget(0)).toThrow('positive integer');
  });
});

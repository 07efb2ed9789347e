import { describe, expect, it } from 'vitest';
import { comboLabel, crossProduct, parseValueList, sweepSize } from './sweep';

describe('sweep', () => {
  it('parses mixed value lists', () => {
    expect(parseValueList('0.1, 0.2 0.3')).toEqual([0.1, 0.2, 0.3]);
    expect(parseValueList('grpo,star ; reinforce')).toEqual(['grpo', 'star', 'reinforce']);
    expect(parseValueList('true false')).toEqual([true, false]);
    expect(parseValueList('  ')).toEqual([]);
  });

  it('expands the cross product with the first axis slowest', () => {
    const combos = crossProduct([
      { path: 'task.p_cot', values: [0.1, 0.5] },
      { path: 'seed', values: [1, 2, 3] },
    ]);
    expect(combos).toHaveLength(6);
    expect(combos[0]).toEqual({ 'task.p_cot': 0.1, seed: 1 });
    expect(combos[3]).toEqual({ 'task.p_cot': 0.5, seed: 1 });
    expect(sweepSize([{ path: 'a', values: [1, 2] }, { path: 'b', values: [1, 2, 3] }])).toBe(6);
  });

  it('ignores empty axes and labels combinations by their last path segment', () => {
    expect(crossProduct([{ path: 'seed', values: [] }])).toEqual([{}]);
    expect(comboLabel({ 'task.p_cot': 0.1, seed: 2 })).toBe('p_cot=0.1 seed=2');
  });
});

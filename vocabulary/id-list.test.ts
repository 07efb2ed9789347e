import { describe, expect, it } from 'vitest';
import { formatIdList } from './id-list';

describe('formatIdList', () => {
  it('collapses consecutive ids into ranges, sorted and without repeats', () => {
    expect(formatIdList([9, 3, 4, 5, 12, 4])).toBe('3-5, 9, 12');
    expect(formatIdList([7])).toBe('7');
  });

  it('caps the echo and says how many ids it left out', () => {
    const everyOther = Array.from({ length: 1000 }, (_, i) => i * 2);
    expect(formatIdList(everyOther, 3)).toBe('0, 2, 4 and 997 more');
    const long = Array.from({ length: 500_000 }, (_, i) => i + 3);
    expect(formatIdList(long)).toBe('3-500002');
    expect(formatIdList([1, 3, 5, 7, 8, 8, 9, 11], 2)).toBe('1, 3 and 5 more');
  });
});

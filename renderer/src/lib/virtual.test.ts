import { describe, expect, it } from 'vitest';
import { scrollToRow, visibleRange } from './virtual';

describe('visibleRange', () => {
  it('renders only the rows in view plus overscan', () => {
    const r = visibleRange(10_000, 600, 30, 10_000, 5);
    expect(r.start).toBe(333 - 5);
    expect(r.end).toBe(333 + 20 + 5 + 1);
    expect(r.offset).toBe(r.start * 30);
    expect(r.total).toBe(300_000);
    expect(r.end - r.start).toBeLessThan(40);
  });

  it('clamps at both ends', () => {
    expect(visibleRange(0, 600, 30, 3)).toEqual({ start: 0, end: 3, offset: 0, total: 90 });
    expect(visibleRange(1e9, 600, 30, 100).end).toBe(100);
    expect(visibleRange(0, 600, 30, 0)).toEqual({ start: 0, end: 0, offset: 0, total: 0 });
  });

  it('scrolls a row into view only when needed', () => {
    expect(scrollToRow(5, 0, 300, 30)).toBeNull();
    expect(scrollToRow(20, 0, 300, 30)).toBe(20 * 30 + 30 - 300);
    expect(scrollToRow(2, 300, 300, 30)).toBe(60);
  });
});

import { describe, expect, it } from 'vitest';
import { LONG_SHARE_THRESHOLD, starOverlay, starRecursion } from './theory';

describe('theory', () => {
  it('follows p_next = 2p/(1+p) and tends to 1', () => {
    const seq = starRecursion(0.25, 10);
    expect(seq[1]).toBeCloseTo(0.4, 12);
    expect(seq[2]).toBeCloseTo(0.8 / 1.4, 12);
    expect(seq[10]).toBeGreaterThan(0.99);
    for (let i = 1; i < seq.length; i++) expect(seq[i]).toBeGreaterThan(seq[i - 1]);
  });

  it('keeps the fixed points 0 and 1', () => {
    expect(starRecursion(0, 5).every((p) => p === 0)).toBe(true);
    expect(starRecursion(1, 5).every((p) => p === 1)).toBe(true);
  });

  it('places the rounds on the x axis', () => {
    const pts = starOverlay(0.25, 100, 103, 1);
    expect(pts.map((p) => p[0])).toEqual([100, 101, 102, 103]);
    expect(pts[1][1]).toBeCloseTo(0.4, 12);
    expect(starOverlay(0.2, 5, 5, 1)).toEqual([]);
    expect(LONG_SHARE_THRESHOLD).toBeCloseTo(0.3333, 4);
  });
});

import { describe, expect, it } from 'vitest';
import { chooseGrid, KeyRollup, minMaxPoints, minMaxPointsOnAxes, bucketMeans, pointsToRecords, levelWidth, tileToBlob, fullTile, blobToFloats } from './rollup';

describe('chooseGrid', () => {
  it('picks the coarsest stored level whose buckets still fit, aligned to step 0', () => {
    for (const [first, last, buckets] of [[0, 9999, 500], [0, 9999, 10], [1234, 98765, 333], [5, 12, 100], [0, 10_000_000, 500]]) {
      const { level, width } = chooseGrid(first, last, buckets);
      const count = Math.floor(last / width) - Math.floor(first / width) + 1;
      expect(count).toBeLessThanOrEqual(buckets);
      if (level > 0) expect(width % levelWidth(level)).toBe(0);
      // Not needlessly coarse: one level-unit narrower would need more buckets.
      const unit = level === 0 ? 1 : levelWidth(level);
      if (width > unit) expect(Math.floor(last / (width - unit)) - Math.floor(first / (width - unit)) + 1).toBeGreaterThan(buckets);
    }
    expect(chooseGrid(0, 9999, 500)).toEqual({ level: 2, width: 32 });
    expect(chooseGrid(0, 99, 500)).toEqual({ level: 0, width: 1 });
  });
});

describe('KeyRollup tiles', () => {
  it('give the same min/max points as the raw rows, at every level', () => {
    const steps = Array.from({ length: 3000 }, (_, i) => 10 + i * 3);
    const values = steps.map((s) => Math.sin(s * 0.37) * (s % 97 === 0 ? 10 : 1));
    const rollup = new KeyRollup();
    steps.forEach((s, i) => rollup.add(s, values[i], s * 2, s / 4));
    const tiles = rollup.takeDirty();
    const raw = pointsToRecords(steps, values, steps.map((s) => s * 2), steps.map((s) => s / 4));
    for (const level of [1, 2, 3, 4, 5, 6]) {
      const chunks = tiles.filter((t) => t.level === level).sort((a, b) => a.tile - b.tile).map((t) => blobToFloats(tileToBlob(t)));
      for (const width of [levelWidth(level), levelWidth(level) * 3]) {
        for (const x of ['step', 'samples', 'wall'] as const) {
          expect(minMaxPoints(chunks, width, x)).toEqual(minMaxPoints([raw], width, x));
        }
        // One pass on several axes: each axis's x as alone, the same y.
        const both = minMaxPointsOnAxes(chunks, width, ['wall', 'step']);
        expect(both.xs).toEqual([minMaxPoints([raw], width, 'wall').x, minMaxPoints([raw], width, 'step').x]);
        expect(both.y).toEqual(minMaxPoints([raw], width, 'step').y);
        const a = bucketMeans(chunks, width);
        const b = bucketMeans([raw], width);
        expect([...a.keys()]).toEqual([...b.keys()]);
        for (const [k, v] of a) expect(v).toBeCloseTo(b.get(k)!, 12);
      }
    }
    expect(rollup.summary).toMatchObject({ count: 3000, firstStep: 10, lastStep: 10 + 2999 * 3 });
  });

  it('skips NaN for extremes but counts it, and continues a stored tile', () => {
    const first = new KeyRollup();
    first.add(0, 1, 0, 0);
    first.add(1, NaN, 0, 0);
    const stored = first.takeDirty().map((t) => fullTile(t.level, t.tile, tileToBlob(t)));
    expect(first.summary).toMatchObject({ count: 2, lastValue: null, min: 1, max: 1 });
    const resumed = new KeyRollup(first.summary, stored);
    resumed.add(2, -5, 0, 0);
    const level1 = resumed.takeDirty().find((t) => t.level === 1)!;
    expect(minMaxPoints([level1.data], 4, 'step')).toEqual({ x: [0, 2], y: [1, -5] });
    expect(resumed.summary).toMatchObject({ count: 3, min: -5, minStep: 2, max: 1, maxStep: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { niceCeil, niceFloor, sharedXMax } from './axis';

describe('axis ends', () => {
  it('round up to two significant digits', () => {
    expect(niceCeil(2999.5)).toBe(3000);
    expect(niceCeil(49.33561442)).toBe(50);
    expect(niceCeil(1488.01)).toBe(1500);
    expect(niceCeil(300)).toBe(300);
    expect(niceCeil(0.3)).toBe(0.3);
    expect(niceCeil(0.301)).toBe(0.31);
    expect(niceCeil(0)).toBe(0);
    expect(niceCeil(-2999.5)).toBe(-2900);
  });

  it('round down the same way', () => {
    expect(niceFloor(301)).toBe(300);
    expect(niceFloor(2999.5)).toBe(2900);
    expect(niceFloor(0.37)).toBe(0.37);
    expect(niceFloor(-49.3)).toBe(-50);
  });

  it('share one x extent across panels, whichever logged last', () => {
    const loss = { lines: [{ x: [0, 1500, 2999.5] }] };
    const length = { lines: [{ x: [0, 1000, 2950] }, { x: [] }] };
    expect(sharedXMax([loss, length])).toBe(3000);
    expect(sharedXMax([{ lines: [] }])).toBeUndefined();
  });
});

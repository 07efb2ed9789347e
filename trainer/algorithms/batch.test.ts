import { describe, expect, it } from 'vitest';
import { packSequences } from './batch';

describe('packSequences', () => {
  it('scores response tokens and EOS only, pads the rest', () => {
    const EOS = 3;
    const p = packSequences(
      [
        { prompt: Int32Array.of(0, 1, 2), response: Int32Array.of(0, 1), withEos: true }, // 0 1 = 0 1 EOS
        { prompt: Int32Array.of(1, 1, 2), response: Int32Array.of(0), withEos: true }, //    1 1 = 0 EOS
        { prompt: Int32Array.of(1, 0, 2), response: Int32Array.of(1, 1), withEos: false }, // truncated
      ],
      EOS,
    );
    expect(p.time).toBe(5);
    expect(Array.from(p.input.slice(0, 5))).toEqual([0, 1, 2, 0, 1]);
    expect(Array.from(p.target.slice(0, 5))).toEqual([1, 2, 0, 1, 3]);
    expect(Array.from(p.mask.slice(0, 5))).toEqual([0, 0, 1, 1, 1]);
    expect(Array.from(p.mask.slice(5, 10))).toEqual([0, 0, 1, 1, 0]);
    expect(Array.from(p.target.slice(5, 10))).toEqual([1, 2, 0, 3, 3]);
    expect(Array.from(p.mask.slice(10, 15))).toEqual([0, 0, 1, 1, 0]);
    expect(p.tokens).toBe(7);
  });
});

import { describe, expect, it } from 'vitest';
import { Rng } from '../model/rng';
import { MultiplicationTask } from './multiplication';

const task = (digits: number, p_cot: number) => new MultiplicationTask({ kind: 'multiplication', digits, p_cot });

describe('multiplication task', () => {
  it('writes answer-only and worked responses (n=2, 47 * 36)', () => {
    const t = task(2, 0.5);
    const long = t.example(47, 36, true);
    expect(t.decode(long.prompt)).toBe('4 7 * 3 6 =');
    // 47*6 = 282, 47*3 = 141, 47*36 = 1692
    expect(t.decode(long.response)).toBe('2 8 2 + 1 4 1 = 1 6 9 2');
    expect(long.response.length).toBe(t.maxResponseLength);
    expect(t.decode(t.example(47, 36, false).response)).toBe('1 6 9 2');
    expect(t.decode(t.example(3, 5, false).response)).toBe('0 0 1 5');
    // the mechanism's branch points: the first worked token, then the next one
    expect(t.longFormOpening(long.prompt)).toEqual([2, 8]);
  });

  it('scores answers by the last 2n tokens and chains exactly', () => {
    const t = task(3, 0.5);
    for (const e of t.sampleBatch(new Rng(1), 300)) {
      expect(t.isCorrect(e.prompt, e.response, true)).toBe(true);
      expect(t.chainCorrect(e.prompt, e.response, true)).toBe(true);
      expect(t.isLong(e.response, true)).toBe(e.long);
      expect(t.isCorrect(e.prompt, e.response, false)).toBe(false);
    }
    const e = t.example(123, 456, true);
    const wrongPartial = Int32Array.from(e.response);
    wrongPartial[0] = (wrongPartial[0] + 1) % 10;
    expect(t.isCorrect(e.prompt, wrongPartial, true)).toBe(true);
    expect(t.chainCorrect(e.prompt, wrongPartial, true)).toBe(false);
    expect(t.answerOf(Int32Array.of(0, 5, 6, 0, 8, 8), true)).toBe(56088);
    expect(t.answerOf(Int32Array.of(5, 6, 0, 8, 8), true)).toBeNull(); // too short to hold 2n digits
  });

  it('long share within binomial bounds', () => {
    const n = 10_000;
    const k = task(2, 0.2).sampleBatch(new Rng(5), n).filter((e) => e.long).length;
    expect(Math.abs(k - 2000)).toBeLessThan(4 * Math.sqrt(n * 0.2 * 0.8));
  });
});

import { describe, expect, it } from 'vitest';
import { longestResponse } from '../../vocabulary/experiment-config';
import { Rng } from '../model/rng';
import { isHeldOutPair, MultiplicationTask } from './multiplication';

const task = (digits: number, p_cot: number) => new MultiplicationTask({ kind: 'multiplication', digits, p_cot });

describe('multiplication task', () => {
  it('writes numbers least significant digit first, the long form as running totals (n=2, 47 * 36)', () => {
    const t = task(2, 0.5);
    const long = t.example(47, 36, true);
    expect(t.decode(long.prompt)).toBe('7 4 * 6 3 =');
    // 47*6 = 282, 47*3*10 = 1410, 282 + 1410 = 1692, each as 4 digits, lowest first
    expect(t.decode(long.response)).toBe('2 8 2 0 + 0 1 4 1 = 2 9 6 1');
    expect(long.response.length).toBe(t.maxResponseLength);
    expect(t.decode(t.example(47, 36, false).response)).toBe('2 9 6 1');
    expect(t.decode(t.example(3, 5, false).response)).toBe('5 1 0 0');
    expect(t.factors(long.prompt)).toEqual([47, 36]);
    // the mechanism's branch points: the first worked token, then the next one
    expect(t.longFormOpening(long.prompt)).toEqual([2, 8]);
  });

  it('adds one partial product per step (n=3, 123 * 456), and n=1 writes P0 = S0', () => {
    const t = task(3, 0.5);
    // 738, + 6150 = 6888, + 49200 = 56088
    expect(t.decode(t.example(123, 456, true).response)).toBe('8 3 7 0 0 0 + 0 5 1 6 0 0 = 8 8 8 6 0 0 + 0 0 2 9 4 0 = 8 8 0 6 5 0');
    const one = task(1, 0.5);
    expect(one.decode(one.example(7, 8, true).response)).toBe('6 5 = 6 5');
    expect(one.decode(one.example(7, 8, false).response)).toBe('6 5');
  });

  it('both forms open with the lowest digit of the product and part later; the `+` after 2n digits stands where the short form has EOS', () => {
    const t = task(2, 0.5);
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) {
      const [a, b] = [rng.int(100), rng.int(100)];
      const long = t.example(a, b, true).response;
      const short = t.example(a, b, false).response;
      expect(long[0]).toBe(short[0]);
      expect(long[0]).toBe((a % 10) * (b % 10) % 10);
      expect(t.decode([long[4]])).toBe('+'); // where the short form has its EOS
    }
  });

  it('the long form has the length the config layer reserves for it', () => {
    for (let n = 1; n <= 8; n++) {
      const t = task(n, 0.5);
      const a = 10 ** n - 1;
      expect(t.example(a, a, true).response.length).toBe(t.maxResponseLength);
      expect(t.maxResponseLength).toBe(longestResponse({ kind: 'multiplication', digits: n, p_cot: 0.5 }));
    }
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
    expect(t.answerOf(Int32Array.of(8, 8, 0, 6, 5, 0), true)).toBe(56088);
    expect(t.answerOf(Int32Array.of(8, 8, 0, 6, 5), true)).toBeNull(); // too short to hold 2n digits
    const wrongAnswer = Int32Array.from(e.response);
    wrongAnswer[wrongAnswer.length - 1] = 1; // 156088
    expect(t.isCorrect(e.prompt, wrongAnswer, true)).toBe(false);
  });

  it('is exact for 8-digit factors, whose products pass 2^53', () => {
    const t = task(8, 0.5);
    const a = 99_999_999;
    const b = 99_999_997; // a * b = 9999999600000003, not representable as a double
    expect(t.decode(t.example(a, b, false).response)).toBe('3 0 0 0 0 0 0 0 6 9 9 9 9 9 9 9');
    const long = t.example(a, b, true);
    expect(t.decode(long.response.subarray(long.response.length - 16))).toBe('3 0 0 0 0 0 0 0 6 9 9 9 9 9 9 9');
    expect(t.isCorrect(long.prompt, long.response, true)).toBe(true);
    const offByOne = Int32Array.from(long.response);
    offByOne[offByOne.length - 16] = 4; // ...04 instead of ...03
    expect(t.isCorrect(long.prompt, offByOne, true)).toBe(false);
  });

  it('long share within binomial bounds', () => {
    const n = 10_000;
    const k = task(2, 0.2).sampleBatch(new Rng(5), n).filter((e) => e.long).length;
    expect(Math.abs(k - 2000)).toBeLessThan(4 * Math.sqrt(n * 0.2 * 0.8));
  });

  it('evaluates on factor pairs that training never draws, in either order (2 digits: 991 of 10,000)', () => {
    const t = task(2, 0.5);
    let heldOutPairs = 0;
    for (let a = 0; a < 100; a++) for (let b = 0; b < 100; b++) {
      expect(isHeldOutPair(a, b)).toBe(isHeldOutPair(b, a));
      if (isHeldOutPair(a, b)) heldOutPairs++;
    }
    expect(heldOutPairs).toBe(991);
    const pairOf = (e: { prompt: Int32Array }) => t.factors(e.prompt).join('*');
    const trained = new Set(t.sampleBatch(new Rng(3), 50_000).map(pairOf));
    // 50,000 draws reach nearly all of the 9,009 training pairs and none of the others
    expect(trained.size).toBeGreaterThan(8_900);
    const evaluated = t.heldOut(0, 1024);
    expect(evaluated.every((e) => e.long && isHeldOutPair(...t.factors(e.prompt)))).toBe(true);
    expect(evaluated.some((e) => trained.has(pairOf(e)))).toBe(false);
    // the one-digit task still has pairs to evaluate on
    expect(task(1, 0.5).heldOut(0, 16).length).toBe(16);
  });
});

import { describe, expect, it } from 'vitest';
import { Rng } from '../model/rng';
import { ParityTask } from './parity';

const task = (d: number, p_cot: number, chain: 'full' | { leap: number } = 'full') => new ParityTask({ kind: 'parity', d, p_cot, chain });

describe('parity task', () => {
  it("encodes SCIENCE.md's worked example exactly (d=5, bits 0 1 1 0 1)", () => {
    const t = task(5, 0.5);
    const long = t.example([0, 1, 1, 0, 1], true);
    const short = t.example([0, 1, 1, 0, 1], false);
    expect(`${t.decode(long.prompt)} ${t.decode(long.response)} EOS`).toBe('0 1 1 0 1 = 0 1 0 0 1 EOS');
    expect(`${t.decode(short.prompt)} ${t.decode(short.response)} EOS`).toBe('0 1 1 0 1 = 1 EOS');
    expect(t.vocab).toEqual(['0', '1', '=', 'EOS']);
  });

  it('opens the long form with x1 then x1^x2 (leap-k: the first two chain positions)', () => {
    const prompt = task(5, 0.5).example([0, 1, 1, 0, 1], true).prompt;
    expect(task(5, 0.5).longFormOpening(prompt)).toEqual([0, 1]);
    // leap-2 over 5 bits writes the parities of prefixes 2, 4, 5: 1, 0, 1
    expect(task(5, 0.5, { leap: 2 }).longFormOpening(prompt)).toEqual([1, 0]);
  });

  it('targets are the parity and the long response ends with it', () => {
    const t = task(12, 0.5);
    for (const e of t.sampleBatch(new Rng(3), 500)) {
      const bits = Array.from(e.prompt.slice(0, 12));
      const y = bits.reduce((a, b) => a ^ b, 0);
      expect(e.prompt[12]).toBe(2);
      expect(e.response[e.response.length - 1]).toBe(y);
      expect(e.response.length).toBe(e.long ? 12 : 1);
      if (e.long) {
        let p = 0;
        bits.forEach((b, i) => {
          p ^= b;
          expect(e.response[i]).toBe(p);
        });
      }
      expect(t.isCorrect(e.prompt, e.response, true)).toBe(true);
      expect(t.chainCorrect(e.prompt, e.response, true)).toBe(true);
      expect(t.isLong(e.response, true)).toBe(e.long);
    }
  });

  it('long share stays within binomial bounds of p_cot', () => {
    for (const p of [0.05, 0.25, 0.5]) {
      const n = 20_000;
      const k = task(20, p).sampleBatch(new Rng(11), n).filter((e) => e.long).length;
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(k - n * p)).toBeLessThan(4 * sd);
    }
  });

  it('leap-k keeps every k-th prefix parity and always ends with y', () => {
    const t = task(7, 1, { leap: 3 });
    expect(t.chainPositions).toEqual([3, 6, 7]);
    expect(t.maxResponseLength).toBe(3);
    const e = t.example([1, 1, 1, 0, 1, 1, 1], true);
    // prefixes: 1 0 1 1 0 1 0 -> positions 3, 6, 7
    expect(Array.from(e.response)).toEqual([1, 1, 0]);
    expect(task(8, 1, { leap: 2 }).chainPositions).toEqual([2, 4, 6, 8]);
  });

  it('answer and length rules: truncated is wrong, the last token is the answer', () => {
    const t = task(5, 0.5);
    const prompt = t.example([0, 1, 1, 0, 1], true).prompt; // y = 1
    expect(t.isCorrect(prompt, Int32Array.of(1), false)).toBe(false);
    expect(t.isCorrect(prompt, Int32Array.of(0, 0, 1), true)).toBe(true);
    expect(t.chainCorrect(prompt, Int32Array.of(0, 0, 1), true)).toBe(false);
    expect(t.chainCorrect(prompt, Int32Array.of(0, 1, 0, 1, 1), true)).toBe(false); // wrong middle token
    expect(t.isCorrect(prompt, Int32Array.of(0, 1, 0, 1, 1), true)).toBe(true);
    expect(t.isCorrect(prompt, new Int32Array(0), true)).toBe(false);
    expect(t.isLong(Int32Array.of(0, 1, 0, 0, 1), false)).toBe(false);
  });

  it('held-out set is fixed per seed and differs across seeds', () => {
    const t = task(20, 0.25);
    const a = t.heldOut(1, 64).map((e) => t.decode(e.prompt));
    expect(t.heldOut(1, 64).map((e) => t.decode(e.prompt))).toEqual(a);
    expect(t.heldOut(2, 64).map((e) => t.decode(e.prompt))).not.toEqual(a);
  });
});

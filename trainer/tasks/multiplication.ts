// n-digit multiplication (issue 7): answer-only versus worked responses, mixed by p_cot.
// Vocabulary: digits 0-9, `*`, `=`, `+`, EOS. Every number is written least significant digit
// first (our choice, after the reversed-digit formats that small transformers learn): a
// left-to-right decoder then writes each digit after the digits whose carries it needs.
// A sequence is `a * b = response EOS` with
//   short: the product, 2n digits;
//   long:  P0 + P1 = S1 + P2 = S2 ... + P(n-1) = S(n-1), where Pj = a * b_j * 10^j (b_j is b's j-th
//          digit from the right) and Sj = P0 + ... + Pj, the running total; S(n-1) is the product.
//          Each step is one two-term addition. Every number is padded to 2n digits, so digit i of
//          every term sits at the same offset in its block (an attention head can find the digits
//          to add at a fixed distance). For n = 1 the long form is `P0 = S0`.
// The answer of a response is its last 2n tokens; its length is the number of tokens before EOS.
// Held-out prompts come from a fixed tenth of the factor pairs that training never draws (split by
// a hash of the unordered pair, so a * b is not seen as b * a either). At 2 digits there are only
// 10,000 pairs and 10,000 NTP steps of 64 show each about 64 times: without the split, held-out
// accuracy would measure recall of seen products, not multiplication.
import type { MultiplicationTaskConfig } from '../../vocabulary/experiment-config';
import { Rng } from '../model/rng';
import { decodeWith, type Example, type Task } from './task';

export const MULTIPLICATION_VOCAB = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '=', '+', 'EOS'] as const;
const TIMES = 10;
const EQ = 11;
const PLUS = 12;
const EOS = 13;

/** `value`'s digits, least significant first, zero-padded to `width`. BigInt: 8-digit products pass 2^53. */
export function digitsLsbFirst(value: number | bigint, width: number): number[] {
  let v = BigInt(value);
  const out = new Array<number>(width);
  for (let i = 0; i < width; i++) {
    out[i] = Number(v % 10n);
    v /= 10n;
  }
  return out;
}

/** The value of `count` digits written least significant first. */
function valueLsbFirst(digits: ArrayLike<number>, from: number, count: number): number {
  let v = 0;
  for (let i = from + count - 1; i >= from; i--) v = v * 10 + digits[i];
  return v;
}

/** Tokens of the long form's response for n-digit factors a and b (EOS excluded). */
export function longForm(a: number, b: number, n: number): number[] {
  const w = 2 * n;
  const bDigits = digitsLsbFirst(b, n);
  const term = (j: number) => BigInt(a) * BigInt(bDigits[j]) * 10n ** BigInt(j);
  const out = digitsLsbFirst(term(0), w);
  let total = term(0);
  if (n === 1) return [...out, EQ, ...digitsLsbFirst(total, w)];
  for (let j = 1; j < n; j++) {
    total += term(j);
    out.push(PLUS, ...digitsLsbFirst(term(j), w), EQ, ...digitsLsbFirst(total, w));
  }
  return out;
}

/** Tokens of the long form: 2n-1 numbers of 2n digits and one separator between each two. */
export function longFormLength(n: number): number {
  return (2 * n - 1) * 2 * n + 2 * n - 2 + (n === 1 ? 3 : 0);
}

/** Share of factor pairs kept out of training for evaluation. */
export const HELD_OUT_PAIR_SHARE = 0.1;

/** murmur3's 32-bit finaliser: a fixed, well-mixed hash of a non-negative integer below 2^32. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Whether the pair {a, b} (either order) belongs to the evaluation split. Factors below 2^32 (n <= 9). */
export function isHeldOutPair(a: number, b: number): boolean {
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  return mix32(mix32(lo) ^ hi) < HELD_OUT_PAIR_SHARE * 2 ** 32;
}

export class MultiplicationTask implements Task {
  readonly vocab = MULTIPLICATION_VOCAB;
  readonly vocabSize = MULTIPLICATION_VOCAB.length;
  readonly eosId = EOS;
  readonly promptLength: number;
  readonly maxResponseLength: number;
  private readonly n: number;

  constructor(readonly config: MultiplicationTaskConfig) {
    this.n = config.digits;
    this.promptLength = 2 * this.n + 2;
    this.maxResponseLength = longFormLength(this.n);
  }

  /** The factors a prompt encodes. */
  factors(prompt: ArrayLike<number>): [number, number] {
    return [valueLsbFirst(prompt, 0, this.n), valueLsbFirst(prompt, this.n + 1, this.n)];
  }

  longResponse(a: number, b: number): Int32Array {
    return Int32Array.from(longForm(a, b, this.n));
  }

  example(a: number, b: number, long: boolean): Example {
    const prompt = Int32Array.from([...digitsLsbFirst(a, this.n), TIMES, ...digitsLsbFirst(b, this.n), EQ]);
    const response = long ? this.longResponse(a, b) : Int32Array.from(this.product(a, b));
    return { prompt, response, long };
  }

  private randomFactor(rng: Rng): number {
    return rng.int(10 ** this.n);
  }

  /** A uniform pair from one side of the split (rejection: about 1.1 draws for training, 10 for evaluation). */
  private randomPair(rng: Rng, heldOut: boolean): [number, number] {
    for (;;) {
      const a = this.randomFactor(rng);
      const b = this.randomFactor(rng);
      if (isHeldOutPair(a, b) === heldOut) return [a, b];
    }
  }

  sampleBatch(rng: Rng, n: number): Example[] {
    return Array.from({ length: n }, () => {
      const [a, b] = this.randomPair(rng, false);
      return this.example(a, b, rng.bernoulli(this.config.p_cot));
    });
  }

  heldOut(seed: number, n: number): Example[] {
    const rng = Rng.derive(seed, 'held-out');
    return Array.from({ length: n }, () => this.example(...this.randomPair(rng, true), true));
  }

  answerOf(response: Int32Array, finished: boolean): number | null {
    const w = 2 * this.n;
    if (!finished || response.length < w) return null;
    const tail = response.subarray(response.length - w);
    if (tail.some((t) => t > 9)) return null;
    return valueLsbFirst(tail, 0, w);
  }

  /** The product's 2n digits, least significant first. */
  private product(a: number, b: number): number[] {
    return digitsLsbFirst(BigInt(a) * BigInt(b), 2 * this.n);
  }

  // Compared digit by digit, not by answerOf's value, which is inexact past 2^53 (8 digits).
  isCorrect(prompt: Int32Array, response: Int32Array, finished: boolean): boolean {
    const w = 2 * this.n;
    if (!finished || response.length < w) return false;
    const [a, b] = this.factors(prompt);
    const tail = response.subarray(response.length - w);
    return this.product(a, b).every((t, i) => t === tail[i]);
  }

  chainCorrect(prompt: Int32Array, response: Int32Array, finished: boolean): boolean {
    if (!finished) return false;
    const [a, b] = this.factors(prompt);
    const expected = response.length === 2 * this.n ? this.product(a, b) : this.longResponse(a, b);
    return expected.length === response.length && response.every((t, i) => t === expected[i]);
  }

  /**
   * The long form's first two tokens: the two lowest digits of a * b_0. The first is also the short
   * answer's first digit (both are a_0 * b_0 mod 10), so the two forms part at the second token at
   * the earliest, and often later (where the digits agree); the `+` after 2n digits, where the short
   * form ends, is the first point at which they always differ.
   */
  longFormOpening(prompt: Int32Array): [number, number] | null {
    const [a, b] = this.factors(prompt);
    const long = this.longResponse(a, b);
    return [long[0], long[1]];
  }

  isLong(response: Int32Array, finished: boolean): boolean {
    return finished && response.length === this.maxResponseLength;
  }

  decode(tokens: Int32Array | readonly number[]): string {
    return decodeWith(this.vocab, tokens);
  }
}

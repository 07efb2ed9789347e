// n-digit multiplication (issue 7): answer-only versus worked responses, mixed by p_cot.
// Vocabulary: digits 0-9, `*`, `=`, `+`, EOS. Numbers are written most significant digit first,
// zero-padded. A sequence is `a * b = response EOS` with
//   short: the 2n-digit product;
//   long:  a*b_0 + a*b_1 + ... + a*b_{n-1} = product, where b_j is b's j-th digit from the right and
//          each partial product has n+1 digits (its shift by 10^j is implied by its place).
// The answer of a response is its last 2n tokens; its length is the number of tokens before EOS.
import type { MultiplicationTaskConfig } from '../../vocabulary/experiment-config';
import { Rng } from '../model/rng';
import { decodeWith, type Example, type Task } from './task';

export const MULTIPLICATION_VOCAB = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '=', '+', 'EOS'] as const;
const TIMES = 10;
const EQ = 11;
const PLUS = 12;
const EOS = 13;

function digitsOf(value: number, width: number): number[] {
  const out = new Array<number>(width);
  for (let i = width - 1; i >= 0; i--) {
    out[i] = value % 10;
    value = Math.floor(value / 10);
  }
  return out;
}

function valueOf(digits: ArrayLike<number>, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) v = v * 10 + digits[i];
  return v;
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
    this.maxResponseLength = this.n * (this.n + 1) + (this.n - 1) + 1 + 2 * this.n;
  }

  /** The factors a prompt encodes. */
  factors(prompt: ArrayLike<number>): [number, number] {
    return [valueOf(prompt, 0, this.n), valueOf(prompt, this.n + 1, this.n)];
  }

  longResponse(a: number, b: number): Int32Array {
    const out: number[] = [];
    const bDigits = digitsOf(b, this.n).reverse(); // least significant first
    bDigits.forEach((bj, j) => {
      if (j > 0) out.push(PLUS);
      out.push(...digitsOf(a * bj, this.n + 1));
    });
    out.push(EQ, ...digitsOf(a * b, 2 * this.n));
    return Int32Array.from(out);
  }

  example(a: number, b: number, long: boolean): Example {
    const prompt = Int32Array.from([...digitsOf(a, this.n), TIMES, ...digitsOf(b, this.n), EQ]);
    const response = long ? this.longResponse(a, b) : Int32Array.from(digitsOf(a * b, 2 * this.n));
    return { prompt, response, long };
  }

  private randomFactor(rng: Rng): number {
    return rng.int(10 ** this.n);
  }

  sampleBatch(rng: Rng, n: number): Example[] {
    return Array.from({ length: n }, () => {
      const a = this.randomFactor(rng);
      const b = this.randomFactor(rng);
      return this.example(a, b, rng.bernoulli(this.config.p_cot));
    });
  }

  heldOut(seed: number, n: number): Example[] {
    const rng = Rng.derive(seed, 'held-out');
    return Array.from({ length: n }, () => this.example(this.randomFactor(rng), this.randomFactor(rng), true));
  }

  answerOf(response: Int32Array, finished: boolean): number | null {
    const w = 2 * this.n;
    if (!finished || response.length < w) return null;
    const tail = response.subarray(response.length - w);
    if (tail.some((t) => t > 9)) return null;
    return valueOf(tail, 0, w);
  }

  isCorrect(prompt: Int32Array, response: Int32Array, finished: boolean): boolean {
    const [a, b] = this.factors(prompt);
    return this.answerOf(response, finished) === a * b;
  }

  chainCorrect(prompt: Int32Array, response: Int32Array, finished: boolean): boolean {
    if (!finished) return false;
    const [a, b] = this.factors(prompt);
    const expected = response.length === 2 * this.n ? digitsOf(a * b, 2 * this.n) : this.longResponse(a, b);
    return expected.length === response.length && response.every((t, i) => t === expected[i]);
  }

  /** The first worked token (the top digit of a * b_0), then the next one. */
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

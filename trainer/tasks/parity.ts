// The parity mixture of SCIENCE.md. Vocabulary `0`, `1`, `=`, `EOS`; a sequence is
// `x1..xd = response EOS`; the long response is the running parities (or every k-th of them,
// always ending with y), the short one is y alone.
import type { ParityTaskConfig } from '../../vocabulary/experiment-config';
import { Rng } from '../model/rng';
import { decodeWith, type Example, type Task } from './task';

export const PARITY_VOCAB = ['0', '1', '=', 'EOS'] as const;
const EQ = 2;
const EOS = 3;

export class ParityTask implements Task {
  readonly vocab = PARITY_VOCAB;
  readonly vocabSize = 4;
  readonly eosId = EOS;
  readonly promptLength: number;
  readonly maxResponseLength: number;
  /** 1-based prefix lengths whose parity the long response writes, ending with d. */
  readonly chainPositions: readonly number[];

  constructor(readonly config: ParityTaskConfig) {
    const { d, chain } = config;
    this.promptLength = d + 1;
    const k = chain === 'full' ? 1 : chain.leap;
    const positions: number[] = [];
    for (let i = k; i <= d; i += k) positions.push(i);
    if (positions[positions.length - 1] !== d) positions.push(d);
    this.chainPositions = positions;
    this.maxResponseLength = positions.length;
  }

  /** The long response for these bits: prefix parities at the chain positions. */
  chainOf(bits: ArrayLike<number>): Int32Array {
    const out = new Int32Array(this.chainPositions.length);
    let parity = 0;
    let j = 0;
    for (let i = 1; i <= this.config.d; i++) {
      parity ^= bits[i - 1];
      if (this.chainPositions[j] === i) out[j++] = parity;
    }
    return out;
  }

  parityOf(prompt: ArrayLike<number>): number {
    let parity = 0;
    for (let i = 0; i < this.config.d; i++) parity ^= prompt[i];
    return parity;
  }

  /** Builds an example from bits (exported for tests and for SCIENCE.md's worked example). */
  example(bits: ArrayLike<number>, long: boolean): Example {
    const prompt = new Int32Array(this.promptLength);
    for (let i = 0; i < this.config.d; i++) prompt[i] = bits[i];
    prompt[this.config.d] = EQ;
    const response = long ? this.chainOf(bits) : Int32Array.of(this.parityOf(bits));
    return { prompt, response, long };
  }

  private randomBits(rng: Rng): number[] {
    return Array.from({ length: this.config.d }, () => rng.bit());
  }

  sampleBatch(rng: Rng, n: number): Example[] {
    const out: Example[] = [];
    for (let i = 0; i < n; i++) {
      const bits = this.randomBits(rng);
      out.push(this.example(bits, rng.bernoulli(this.config.p_cot)));
    }
    return out;
  }

  heldOut(seed: number, n: number): Example[] {
    // Its own stream: the training stream never depends on the held-out size, and vice versa.
    // With 2^d inputs the overlap with training data is negligible for d >= 20 (not enforced).
    const rng = Rng.derive(seed, 'held-out');
    return Array.from({ length: n }, () => this.example(this.randomBits(rng), true));
  }

  answerOf(response: Int32Array, finished: boolean): number | null {
    if (!finished || response.length === 0) return null;
    return response[response.length - 1];
  }

  isCorrect(prompt: Int32Array, response: Int32Array, finished: boolean): boolean {
    return this.answerOf(response, finished) === this.parityOf(prompt);
  }

  longFormOpening(prompt: Int32Array): [number, number] | null {
    const chain = this.chainOf(prompt);
    return chain.length >= 2 ? [chain[0], chain[1]] : null;
  }

  chainCorrect(prompt: Int32Array, response: Int32Array, finished: boolean): boolean {
    if (!finished) return false;
    if (response.length === 1) return response[0] === this.parityOf(prompt);
    if (response.length !== this.maxResponseLength) return false;
    const chain = this.chainOf(prompt);
    return chain.every((t, i) => response[i] === t);
  }

  isLong(response: Int32Array, finished: boolean): boolean {
    return finished && response.length === this.maxResponseLength;
  }

  decode(tokens: Int32Array | readonly number[]): string {
    return decodeWith(this.vocab, tokens);
  }
}

// The interface between a task (parity, multiplication, ...) and the algorithms: NTP, evaluation and
// RL only see token ids, these methods, and the answer/length rules the task defines.
import type { Rng } from '../model/rng';

export interface Example {
  prompt: Int32Array;
  /** Response tokens, EOS excluded. */
  response: Int32Array;
  /** Whether the response is the long (chain-of-thought) form. */
  long: boolean;
}

export interface Task {
  /** Token strings by id; the last one is EOS. */
  readonly vocab: readonly string[];
  readonly vocabSize: number;
  readonly eosId: number;
  /** All prompts of a task have this length (so batches need no left padding). */
  readonly promptLength: number;
  /** Tokens of the longest well-formed response, EOS excluded. */
  readonly maxResponseLength: number;
  /** Training examples: each independently long with probability p_cot. */
  sampleBatch(rng: Rng, n: number): Example[];
  /** A fixed evaluation set for a seed (the same seed gives the same set). */
  heldOut(seed: number, n: number): Example[];
  /** The answer of a response (its last token before EOS), or null when there is none. */
  answerOf(response: Int32Array, finished: boolean): number | null;
  /** End-to-end correctness: finished with EOS and the answer is the target. */
  isCorrect(prompt: Int32Array, response: Int32Array, finished: boolean): boolean;
  /** Chain correctness: finished and every token of the (short or long) form is right. */
  chainCorrect(prompt: Int32Array, response: Int32Array, finished: boolean): boolean;
  /** A finished response in the long form's length. */
  isLong(response: Int32Array, finished: boolean): boolean;
  /**
   * The long form's first two response tokens for this prompt: the two decisions of SCIENCE.md's
   * mechanism (start the long form instead of answering; after its first token, continue it instead
   * of stopping). Null where the long form has fewer than two tokens.
   */
  longFormOpening(prompt: Int32Array): [first: number, next: number] | null;
  /** Human-readable tokens, e.g. "0 1 1 0 1 =". */
  decode(tokens: Int32Array | readonly number[]): string;
}

/** Joins tokens with spaces, as SCIENCE.md writes sequences. */
export function decodeWith(vocab: readonly string[], tokens: Int32Array | readonly number[]): string {
  return Array.from(tokens, (t) => vocab[t] ?? `?${t}`).join(' ');
}

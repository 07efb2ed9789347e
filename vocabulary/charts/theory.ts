// The paper's closed-form predictions, drawn over measured curves.

/** Below this long-response share, greedy decoding stops short and guesses (SCIENCE.md). */
export const LONG_SHARE_THRESHOLD = 1 / 3;

/** STaR in rounds with the end-to-end reward: the long share per round follows p_next = 2p / (1 + p). */
export function starRecursion(p0: number, rounds: number): number[] {
  const out = [p0];
  let p = p0;
  for (let i = 0; i < rounds; i++) {
    p = (2 * p) / (1 + p);
    out.push(p);
  }
  return out;
}

/**
 * The recursion placed on a chart's x axis: round r at x = start + r * stride, from the measured
 * long share at the start of RL. `stride` is the number of x units per STaR round (one RL step).
 */
export function starOverlay(p0: number, start: number, end: number, stride: number): [number, number][] {
  if (!(stride > 0) || !(end > start)) return [];
  const rounds = Math.min(2000, Math.ceil((end - start) / stride));
  return starRecursion(p0, rounds).map((p, r) => [start + r * stride, p]);
}

/** Greedy decoding continues the long form where the continue probability passes this. */
export const GREEDY_BOUNDARY = 1 / 2;

/**
 * The mechanism's two probabilities for a model that learned the full chain but not the parity
 * (SCIENCE.md): it starts with x1 with probability (1+p)/2 and, after x1, continues the chain with
 * probability 2p/(1+p).
 */
export function branchTheory(pCot: number): { startLong: number; continueLong: number } {
  return { startLong: (1 + pCot) / 2, continueLong: (2 * pCot) / (1 + pCot) };
}

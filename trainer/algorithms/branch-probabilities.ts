// The cause behind the accuracy and length curves (SCIENCE.md, "Why NTP alone fails"): a model that
// learned the chain but not the parity starts the long form with probability (1+p)/2 and, after its
// first token, continues it with probability 2p/(1+p). Greedy decoding goes long exactly when that
// second probability passes 1/2. Measured here from the model's own next-token distributions on the
// held-out prompts: one forward pass over `prompt + first long token`, no sampling.
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/model';
import type { Example, Task } from '../tasks/task';

export interface BranchProbabilities {
  /** Mean probability of the long form's first token at the first response position. */
  startLong: number;
  /** Mean probability of the long form's second token after its first one. */
  continueLong: number;
  /** Share of prompts whose greedy choice after the first long token is to continue the long form. */
  continueGreedyShare: number;
}

/** Null when the task's long form is shorter than two tokens (nothing to continue). */
export async function measureBranchProbabilities(model: GPT, task: Task, prompts: readonly Example[]): Promise<BranchProbabilities | null> {
  const openings = prompts.map((e) => task.longFormOpening(e.prompt));
  if (prompts.length === 0 || openings.some((o) => o === null)) return null;
  const P = task.promptLength;
  const B = prompts.length;
  const V = task.vocabSize;
  const idx = new Int32Array(B * (P + 1));
  prompts.forEach((e, i) => {
    idx.set(e.prompt, i * (P + 1));
    idx[i * (P + 1) + P] = openings[i]![0];
  });
  // Positions P-1 (predicts the first response token) and P (predicts the token after it).
  const probs = tf.tidy(() => {
    const logits = model.forward(tf.tensor2d(idx, [B, P + 1], 'int32')); // [B, P+1, V]
    return tf.softmax(tf.slice(logits, [0, P - 1, 0], [B, 2, V])); // [B, 2, V]
  });
  const p = await probs.data(); // asynchronous: WebGPU under Node cannot read back synchronously
  probs.dispose();
  let start = 0;
  let cont = 0;
  let greedy = 0;
  for (let i = 0; i < B; i++) {
    const [first, next] = openings[i]!;
    const at = (pos: number, token: number) => p[(i * 2 + pos) * V + token];
    start += at(0, first);
    cont += at(1, next);
    let best = 0;
    for (let t = 1; t < V; t++) if (at(1, t) > at(1, best)) best = t;
    if (best === next) greedy += 1;
  }
  return { startLong: start / B, continueLong: cont / B, continueGreedyShare: greedy / B };
}

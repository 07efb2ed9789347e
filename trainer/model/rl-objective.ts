// The per-token pieces of the policy-gradient objective, as tensors: the one implementation rl.ts
// trains with and logs (rl-objective.test.ts checks it against scalar references by hand).
import * as tf from '@tensorflow/tfjs';

/**
 * PPO/GRPO's clipped surrogate per token: min(ratio * A, clip(ratio, 1-eps, 1+eps) * A), and a 0/1
 * mask of the tokens where the clipped term is the one taken (they pass no gradient).
 * ratio [B, T], advantage [B, 1] or [B, T].
 */
export function clippedSurrogate(ratio: tf.Tensor, advantage: tf.Tensor, eps: number): { value: tf.Tensor; clipped: tf.Tensor } {
  const unclipped = ratio.mul(advantage);
  const clippedTerm = ratio.clipByValue(1 - eps, 1 + eps).mul(advantage);
  return { value: tf.minimum(unclipped, clippedTerm), clipped: tf.less(clippedTerm, unclipped).cast('float32') };
}

/**
 * k3 estimator of KL(pi || ref) per sampled token (Schulman's; GRPO's KL penalty):
 * exp(ref - cur) - (ref - cur) - 1 >= 0, unbiased, zero where the two log-probs agree.
 */
export function klK3(logpCur: tf.Tensor, logpRef: tf.Tensor): tf.Tensor {
  const d = logpRef.sub(logpCur);
  return d.exp().sub(d).sub(1);
}

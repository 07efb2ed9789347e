// The REINFORCE / GRPO loss of a batch of rollouts, or of one shard of it: the one implementation
// the single-thread update (rl.ts) and the data-parallel replicas (compute/dp-shared.ts) train with.
// Everything it returns is a sum over the rows it was given (divided by a normalizer fixed for the
// whole batch), so the shards' parts add up to the batch's.
import * as tf from '@tensorflow/tfjs';
import { stopGradient, tokenEntropy, tokenLogProbs, type BatchTensors } from './losses';
import { clippedSurrogate, klK3 } from './rl-objective';

export interface PolicyParams {
  /** The sampling temperature: the policy is softmax(logits / temperature). */
  temperature: number;
  /** GRPO's clipped ratio; REINFORCE otherwise. */
  grpo: boolean;
  clipEps: number;
  klCoef: number;
  /** The whole batch's constant normalizer (rollouts x length cap): unbiased in length. */
  normalizer: number;
}

export interface PolicyObjective {
  /** -sum over rollout tokens of (A * ratio, clipped for GRPO) - klCoef * KL, / normalizer. */
  loss: tf.Scalar;
  /** log pi(token) per position [B, T]: epoch 0's is the later epochs' old policy. */
  logp: tf.Tensor2D;
  /** Masked sums over the rows' rollout tokens: entropy, KL to the reference, clipped share; and the mask's. */
  sums: { entropy: tf.Scalar; kl: tf.Scalar; clipped: tf.Scalar; mask: tf.Scalar };
}

/**
 * The loss on `b`'s rollout tokens (mask), advantage A [B, 1] per row. `old` is the sampling
 * policy's log-probs (null on epoch 0, which is on-policy: the ratio is exactly 1 but carries the
 * gradient of log pi); `refLogp` the frozen start model's.
 */
export function policyObjective(
  model: { forward(input: tf.Tensor2D): tf.Tensor3D },
  b: BatchTensors,
  A: tf.Tensor,
  old: tf.Tensor | null,
  refLogp: tf.Tensor,
  p: PolicyParams,
): PolicyObjective {
  const logits = model.forward(b.input);
  const logp = tokenLogProbs(logits, b.target, p.temperature); // [B, T]
  const ratio = logp.sub(old ?? stopGradient(logp)).exp();
  const { value: objective, clipped } = p.grpo ? clippedSurrogate(ratio, A, p.clipEps) : { value: ratio.mul(A), clipped: tf.zerosLike(ratio) };
  const kl = klK3(logp, refLogp);
  const perToken = p.klCoef > 0 ? objective.sub(kl.mul(p.klCoef)) : objective;
  const loss = perToken.mul(b.mask).sum().div(-p.normalizer) as tf.Scalar;
  const masked = (x: tf.Tensor) => x.mul(b.mask).sum() as tf.Scalar;
  return {
    loss,
    logp,
    sums: { entropy: masked(tokenEntropy(logits, p.temperature)), kl: masked(kl), clipped: masked(clipped), mask: b.mask.sum() as tf.Scalar },
  };
}

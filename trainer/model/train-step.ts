// A generic, leak-free training step: one tf.tidy around variableGrads, optional global-norm
// clipping, optimizer update. The loss function is the caller's (NTP, STaR, REINFORCE, GRPO...).
import * as tf from '@tensorflow/tfjs';
import type { GPT } from './model';

export interface TrainStepOptions {
  /** Clip the global gradient norm to this value (0 or undefined: no clipping). */
  clipNorm?: number;
}

export interface StepResult {
  /** Caller disposes; read it only when logging. */
  loss: tf.Scalar;
  /** Global L2 norm of the gradient before clipping. Caller disposes. */
  gradNorm: tf.Scalar;
}

/**
 * Returns step(batch): computes lossFn(model, batch), its gradient w.r.t. every model variable,
 * clips, applies. Nothing but the two returned scalars outlives the call.
 */
export function makeTrainStep<Batch>(
  model: GPT,
  optimizer: tf.Optimizer,
  lossFn: (model: GPT, batch: Batch) => tf.Scalar,
  opts: TrainStepOptions = {},
): (batch: Batch) => StepResult {
  const vars = model.variables;
  return (batch) =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => lossFn(model, batch), vars);
      const list = vars.map((v) => grads[v.name]);
      const gradNorm = globalNorm(list);
      let applied = grads;
      if (opts.clipNorm && opts.clipNorm > 0) {
        // scale = min(1, clip / norm); a zero norm leaves the (zero) gradients alone
        const scale = tf.minimum(1, tf.div(opts.clipNorm, tf.maximum(gradNorm, 1e-12)));
        applied = Object.fromEntries(vars.map((v, i) => [v.name, tf.mul(list[i], scale)]));
      }
      optimizer.applyGradients(applied);
      return { loss: value, gradNorm };
    });
}

/** sqrt(sum of squares) over a list of tensors, as a scalar tensor. */
export function globalNorm(tensors: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(tensors.map((t) => tf.sum(tf.square(t))))) as tf.Scalar);
}

/**
 * Mean token cross-entropy over the positions where mask is 1.
 * logits [B, T, V], targets int32 [B, T], mask float32 [B, T] (0/1 or weights).
 */
export function maskedCrossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const [B, T, V] = logits.shape;
    const logp = tf.logSoftmax(tf.reshape(logits, [B * T, V])); // [B*T, V]
    const picked = tf.sum(tf.mul(logp, tf.oneHot(tf.reshape(targets, [B * T]), V)), -1); // [B*T]
    const w = tf.reshape(mask, [B * T]);
    return tf.div(tf.neg(tf.sum(tf.mul(picked, w))), tf.maximum(tf.sum(w), 1)) as tf.Scalar;
  });
}

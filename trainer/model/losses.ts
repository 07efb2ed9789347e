// Token-level quantities from logits, shared by NTP and RL. Targets are picked with a one-hot
// product rather than gather: gather's gradient needs a kernel the WASM backend lacks.
import * as tf from '@tensorflow/tfjs';
import type { PackedBatch } from '../algorithms/batch';

export interface BatchTensors {
  input: tf.Tensor2D; // [B, T]
  target: tf.Tensor2D; // [B, T]
  mask: tf.Tensor2D; // [B, T]
}

export function toTensors(p: PackedBatch): BatchTensors {
  return {
    input: tf.tensor2d(p.input, [p.batch, p.time], 'int32'),
    target: tf.tensor2d(p.target, [p.batch, p.time], 'int32'),
    mask: tf.tensor2d(p.mask, [p.batch, p.time], 'float32'),
  };
}

export function disposeBatch(b: BatchTensors): void {
  b.input.dispose();
  b.target.dispose();
  b.mask.dispose();
}

/** log p(target) per position: [B, T]. `temperature` divides the logits first (RL's policy). */
export function tokenLogProbs(logits: tf.Tensor3D, target: tf.Tensor2D, temperature = 1): tf.Tensor2D {
  const V = logits.shape[2];
  const scaled = temperature === 1 ? logits : logits.div(temperature);
  const logp = tf.logSoftmax(scaled, -1); // [B, T, V]
  return logp.mul(tf.oneHot(target, V)).sum(-1) as tf.Tensor2D;
}

/** Entropy of the next-token distribution per position: [B, T]. */
export function tokenEntropy(logits: tf.Tensor3D, temperature = 1): tf.Tensor2D {
  const scaled = temperature === 1 ? logits : logits.div(temperature);
  const logp = tf.logSoftmax(scaled, -1);
  return logp.exp().mul(logp).sum(-1).neg() as tf.Tensor2D;
}

/** Mean of x over the masked positions. */
export function maskedMean(x: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return x.mul(mask).sum().div(mask.sum().maximum(1)) as tf.Scalar;
}

/** Cross-entropy on response tokens and EOS only (the mask), averaged over those tokens. */
export function maskedCrossEntropy(logits: tf.Tensor3D, b: BatchTensors): tf.Scalar {
  return maskedMean(tokenLogProbs(logits, b.target).neg(), b.mask);
}

/** A value that passes gradients as zero: TF.js has no stop_gradient op. */
export const stopGradient = tf.customGrad(((x: tf.Tensor) => ({
  value: x.clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

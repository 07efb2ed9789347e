// What the main thread and the data-parallel workers share: the shard job, the shared buffers'
// layout, and the one function both sides compute a shard's gradient with.
import * as tf from '@tensorflow/tfjs';
import { tokenLogProbs } from '../model/losses';
import type { GPT } from '../model/model';

/** A packed shard of the batch, and the token count of the whole batch (the loss's normalizer). */
export interface ShardJob {
  seq: number;
  batch: number;
  time: number;
  input: Int32Array;
  target: Int32Array;
  /** Per-token weights (NTP: 0/1 mask). */
  weight: Float32Array;
  /** Divides the shard's weighted sum, so the shards' losses add up to the batch's. */
  normalizer: number;
}

export interface WorkerInit {
  slot: number;
  numParams: number;
  modelBytes: Uint8Array;
  weights: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  /** Int32 per slot: the seq of the job it finished (negated on error). */
  ctrl: SharedArrayBuffer;
  /** Float64 per slot: the shard's part of the loss. */
  losses: SharedArrayBuffer;
}

/**
 * The gradient of this shard's part of the masked next-token loss, sum(-log p * w) / normalizer,
 * flattened in variable order into `out`. Returns the shard's part of the loss.
 */
export function shardGradients(model: GPT, job: ShardJob, out: Float32Array): number {
  return tf.tidy(() => {
    const input = tf.tensor2d(job.input, [job.batch, job.time], 'int32');
    const target = tf.tensor2d(job.target, [job.batch, job.time], 'int32');
    const weight = tf.tensor2d(job.weight, [job.batch, job.time], 'float32');
    const vars = model.variables;
    const { value, grads } = tf.variableGrads(
      () => tokenLogProbs(model.forward(input), target).neg().mul(weight).sum().div(job.normalizer) as tf.Scalar,
      vars,
    );
    let off = 0;
    for (const v of vars) {
      out.set(grads[v.name].dataSync() as Float32Array, off);
      off += v.size;
    }
    return value.dataSync()[0];
  });
}

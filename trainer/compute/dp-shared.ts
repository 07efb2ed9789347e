// What the main thread and the data-parallel workers share: the shard jobs, the shared buffers'
// layout, and the functions both sides compute a shard with (NTP's gradient; RL's rollouts, its
// policy-gradient and STaR gradients, and its entropy/KL measurement).
import * as tf from '@tensorflow/tfjs';
import { tokenEntropy, tokenLogProbs, type BatchTensors } from '../model/losses';
import { generate, type Generation } from '../model/generate';
import type { GPT } from '../model/model';
import { policyObjective, type PolicyParams } from '../model/policy-gradient';
import { klK3 } from '../model/rl-objective';

/** Float64 statistics per slot, beside the gradient (loss first). */
export const STATS_PER_SLOT = 8;

/** A packed shard of the batch, and the token count of the whole batch (the loss's normalizer). */
export interface ShardJob {
  kind: 'ntp';
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

/** A packed shard of rollouts and their advantages: its part of the policy-gradient loss's gradient. */
export interface PolicyJob {
  kind: 'policy';
  seq: number;
  batch: number;
  time: number;
  input: Int32Array;
  target: Int32Array;
  mask: Float32Array;
  /** Per row [batch]: computed on the whole batch (GRPO: within each prompt's group). */
  advantages: Float32Array;
  /** 0-based epoch over this batch: epoch 0 fixes the old policy and the reference's log-probs. */
  epoch: number;
  epochs: number;
  params: PolicyParams;
}

/** Entropy of the policy and KL to the reference on a shard of rollouts, no gradient (STaR logs them). */
export interface MeasureJob {
  kind: 'measure';
  seq: number;
  batch: number;
  time: number;
  input: Int32Array;
  target: Int32Array;
  mask: Float32Array;
  temperature: number;
}

/** Rollouts of a shard of whole prompt groups, one rng stream per group. */
export interface RolloutJob {
  kind: 'rollout';
  seq: number;
  /** Prompts, row-major [rows, promptLength]. */
  prompts: Int32Array;
  promptLength: number;
  groupSeeds: number[];
  maxNewTokens: number;
  temperature: number;
  eosId: number;
}

/** Jobs answered through the shared buffers (gradients and statistics); rollouts answer by message. */
export type SyncJob = ShardJob | PolicyJob | MeasureJob;
export type Job = SyncJob | RolloutJob;

export interface RolloutReply {
  seq: number;
  tokens: Int32Array[];
  finished: Uint8Array;
}

export interface WorkerInit {
  slot: number;
  numParams: number;
  modelBytes: Uint8Array;
  /** The frozen start model RL measures KL against (RL pools only). */
  refBytes: Uint8Array | null;
  weights: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  /** Int32 per slot: the seq of the job it finished (negated on error). */
  ctrl: SharedArrayBuffer;
  /** Float64, STATS_PER_SLOT per slot: the shard's part of the loss, then the job's other sums. */
  losses: SharedArrayBuffer;
}

/**
 * The gradient of this shard's part of the masked next-token loss, sum(-log p * w) / normalizer,
 * flattened in variable order into `out`. Returns the shard's part of the loss.
 */
export function shardGradients(model: GPT, job: ShardJob, out: Float32Array): number {
  // a shard can be empty (STaR keeps fewer correct rollouts than there are replicas)
  if (job.batch === 0) {
    out.fill(0);
    return 0;
  }
  return tf.tidy(() => {
    const input = tf.tensor2d(job.input, [job.batch, job.time], 'int32');
    const target = tf.tensor2d(job.target, [job.batch, job.time], 'int32');
    const weight = tf.tensor2d(job.weight, [job.batch, job.time], 'float32');
    const vars = model.variables;
    const { value, grads } = tf.variableGrads(
      () => tokenLogProbs(model.forward(input), target).neg().mul(weight).sum().div(job.normalizer) as tf.Scalar,
      vars,
    );
    writeGrads(vars, grads, out);
    return value.dataSync()[0];
  });
}

function batchTensors(job: { batch: number; time: number; input: Int32Array; target: Int32Array; mask: Float32Array }): BatchTensors {
  return {
    input: tf.tensor2d(job.input, [job.batch, job.time], 'int32'),
    target: tf.tensor2d(job.target, [job.batch, job.time], 'int32'),
    mask: tf.tensor2d(job.mask, [job.batch, job.time], 'float32'),
  };
}

function writeGrads(vars: readonly tf.Variable[], grads: tf.NamedTensorMap, out: Float32Array): void {
  let off = 0;
  for (const v of vars) {
    out.set(grads[v.name].dataSync() as Float32Array, off);
    off += v.size;
  }
}

/** What a replica keeps across the epochs of one RL batch: the sampling policy's and the reference's log-probs. */
export class PolicyShardCache {
  oldLogp: tf.Tensor | null = null;
  refLogp: tf.Tensor | null = null;
  dispose(): void {
    this.oldLogp?.dispose();
    this.refLogp?.dispose();
    this.oldLogp = this.refLogp = null;
  }
}

/**
 * The gradient of this shard's part of the policy-gradient loss, flattened in variable order into
 * `out`; `stats` gets [loss part, entropy sum, KL sum, clipped sum, mask sum] over the shard's tokens.
 */
export function policyShardGradients(model: GPT, ref: GPT, job: PolicyJob, cache: PolicyShardCache, out: Float32Array, stats: Float64Array): void {
  if (job.epoch === 0) cache.dispose();
  tf.tidy(() => {
    const b = batchTensors(job);
    if (job.epoch === 0) cache.refLogp = tf.keep(tf.tidy(() => tokenLogProbs(ref.forward(b.input), b.target, job.params.temperature)));
    const A = tf.tensor2d(job.advantages, [job.batch, 1]);
    let sums: tf.Scalar[] = [];
    const vars = model.variables;
    const { value, grads } = tf.variableGrads(() => {
      const r = policyObjective(model, b, A, cache.oldLogp, cache.refLogp!, job.params);
      if (job.epoch === 0 && job.epochs > 1) cache.oldLogp = tf.keep(r.logp.clone());
      sums = [r.sums.entropy, r.sums.kl, r.sums.clipped, r.sums.mask].map((t) => tf.keep(t));
      return r.loss;
    }, vars);
    writeGrads(vars, grads, out);
    stats[0] = value.dataSync()[0];
    sums.forEach((t, i) => {
      stats[i + 1] = t.dataSync()[0];
      t.dispose();
    });
  });
}

/** Entropy and KL sums over a shard's rollout tokens, and the mask's: stats [0, entropy, KL, mask]. */
export function measureShard(model: GPT, ref: GPT, job: MeasureJob, stats: Float64Array): void {
  stats.fill(0);
  if (job.batch === 0) return;
  tf.tidy(() => {
    const b = batchTensors(job);
    const logits = model.forward(b.input);
    const logp = tokenLogProbs(logits, b.target, job.temperature);
    const refLogp = tokenLogProbs(ref.forward(b.input), b.target, job.temperature);
    stats[1] = tokenEntropy(logits, job.temperature).mul(b.mask).sum().dataSync()[0];
    stats[2] = klK3(logp, refLogp).mul(b.mask).sum().dataSync()[0];
    stats[3] = b.mask.sum().dataSync()[0];
  });
}

/** The masked means over the whole batch, from the shards' summed stats (measureShard's layout). */
export function measuredMeans(stats: ArrayLike<number>): { entropy: number; kl: number } {
  const n = Math.max(stats[3], 1);
  return { entropy: stats[1] / n, kl: stats[2] / n };
}

/** A shard's rollouts: its prompt groups, each on its own rng stream. */
export async function rolloutShard(model: GPT, job: Omit<RolloutJob, 'seq' | 'kind'>): Promise<Generation> {
  const rows = job.prompts.length / job.promptLength;
  // more replicas than prompts: this one has nothing to sample
  if (rows === 0) return { tokens: [], lengths: new Int32Array(0), finished: new Uint8Array(0) };
  const prompts = Array.from({ length: rows }, (_, i) => job.prompts.subarray(i * job.promptLength, (i + 1) * job.promptLength));
  return generate(model, prompts, {
    maxNewTokens: job.maxNewTokens,
    temperature: job.temperature,
    eosId: job.eosId,
    seed: 0,
    groupSeeds: job.groupSeeds,
  });
}

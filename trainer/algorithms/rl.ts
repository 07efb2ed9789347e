// RL post-training from an NTP model: sample groups of responses per prompt at temperature tau,
// reward them (end-to-end or chain), and update with STaR, REINFORCE (batch-mean baseline) or GRPO
// (group-normalized advantages, clipped ratio, optional k3 KL penalty to the frozen start model).
// With data-parallel replicas, each samples and computes the gradient of whole prompt groups; the
// rewards and advantages are the whole batch's, the gradients are summed in fixed order, one step.
import * as tf from '@tensorflow/tfjs';
import type { SampleRow } from '../../db/types';
import { packSequences, type PackedBatch, type SequenceParts } from './batch';
import type { RlConfig } from '../../vocabulary/experiment-config';
import { generate } from '../model/generate';
import { disposeBatch, maskedCrossEntropy, maskedMean, toTensors, tokenEntropy, tokenLogProbs, type BatchTensors } from '../model/losses';
import { METRIC } from '../../vocabulary/metric-keys';
import { AdamW, applyGradients, optimizerStep, readAndDispose } from '../model/optim';
import { baselineAdvantages, fracZeroStdGroups, groupAdvantages } from '../model/rl-math';
import { klK3 } from '../model/rl-objective';
import { policyObjective, type PolicyParams } from '../model/policy-gradient';
import { shardRanges, unflatten, type DataParallel } from '../compute/data-parallel';
import { measuredMeans } from '../compute/dp-shared';
import { hashSeed, Rng, streamSeed } from '../model/rng';
import { lengthStats, meanStd, share } from '../model/stats';
import type { Task } from '../tasks/task';
import type { GPT } from '../model/model';
import type { TrainerState } from '../model/checkpoint';

export interface RlStepResult {
  metrics: Record<string, number>;
  /** Scored rollout tokens this step. */
  tokens: number;
  rollouts: Omit<SampleRow, 'phase' | 'step'>[];
}

export interface RlOptions {
  /** Length cap of rollouts. */
  maxNewTokens: number;
  seed: number;
  /** Rollouts stored as samples per step. */
  rolloutsToLog: number;
  /** Continue a checkpointed optimisation (moments and prompt stream) instead of starting fresh. */
  restore?: TrainerState | null;
  /**
   * Replicas that share the rollouts and the update, whole prompt groups each (null: this thread
   * does all). Started with this trainer's model and reference; at most promptsPerStep of them.
   */
  parallel?: DataParallel | null;
}

export class RlTrainer {
  private readonly rng: Rng;
  private readonly opt: AdamW;

  constructor(
    private readonly model: GPT,
    /** Frozen start model: the reference of the KL (logged always, penalized when klCoef > 0). */
    private readonly ref: GPT,
    private readonly task: Task,
    private readonly cfg: RlConfig,
    private readonly opts: RlOptions,
  ) {
    this.rng = opts.restore ? Rng.atPosition(opts.restore.rng) : Rng.derive(opts.seed, 'rl-prompts');
    this.opt = new AdamW(model.variables, { weightDecay: 0 });
    if (opts.restore) this.opt.importState(opts.restore.optimizer);
  }

  /** What a checkpoint needs to continue this optimisation. */
  async state(): Promise<TrainerState> {
    return { optimizer: await this.opt.exportState(), rng: this.rng.position };
  }

  async step(step: number): Promise<RlStepResult> {
    const { cfg, task } = this;
    const G = cfg.groupSize;
    // sample: every prompt G times, groups contiguous
    const prompts = task.sampleBatch(this.rng, cfg.promptsPerStep).map((e) => e.prompt);
    const repeated = prompts.flatMap((p) => Array.from({ length: G }, () => p));
    // one rng stream per prompt group: the same rollouts whichever replica samples the group
    const base = hashSeed(`${this.opts.seed}:rl-sample:${step}`);
    const groupSeeds = prompts.map((_, g) => streamSeed(base, g));
    const gen = this.parallel
      ? await this.parallel.generate(this.model, repeated, this.groupShards(), groupSeeds, G, {
          maxNewTokens: this.opts.maxNewTokens, temperature: cfg.temperature, eosId: task.eosId,
        })
      : await generate(this.model, repeated, {
          maxNewTokens: this.opts.maxNewTokens,
          temperature: cfg.temperature,
          eosId: task.eosId,
          seed: 0,
          groupSeeds,
        });
    // reward
    const finished = repeated.map((_, i) => gen.finished[i] === 1);
    const rewards = Float32Array.from(repeated, (p, i) =>
      (cfg.reward === 'chain' ? task.chainCorrect(p, gen.tokens[i], finished[i]) : task.isCorrect(p, gen.tokens[i], finished[i])) ? 1 : 0,
    );
    const rows: SequenceParts[] = repeated.map((p, i) => ({ prompt: p, response: gen.tokens[i], withEos: finished[i] }));
    let update: Record<string, number>;
    let tokens: number;
    if (this.parallel) {
      const shards = this.groupShards().map(([a, b]) => packSequences(rows.slice(a, b), task.eosId));
      tokens = shards.reduce((n, p) => n + p.tokens, 0);
      update = cfg.algorithm === 'star' ? await this.parallelStarUpdate(rows, rewards, shards) : await this.parallelPolicyGradientUpdate(rewards, shards);
    } else {
      const packed = packSequences(rows, task.eosId);
      tokens = packed.tokens;
      const batch = toTensors(packed);
      try {
        update = cfg.algorithm === 'star' ? await this.starUpdate(rows, rewards, batch) : await this.policyGradientUpdate(rewards, batch);
      } finally {
        disposeBatch(batch);
      }
    }

    const r = meanStd(rewards);
    const len = lengthStats(gen.tokens.map((t) => t.length));
    const metrics: Record<string, number> = {
      [METRIC.rewardMean]: r.mean,
      [METRIC.rewardStd]: r.std,
      [METRIC.fracRewardZeroStd]: fracZeroStdGroups(rewards, G),
      [METRIC.lengthMean]: len.mean,
      [METRIC.lengthMin]: len.min,
      [METRIC.lengthMax]: len.max,
      [METRIC.truncatedRatio]: share(finished.map((f) => !f)),
      [METRIC.longShare]: share(gen.tokens.map((t, i) => task.isLong(t, finished[i]))),
      [METRIC.lr]: cfg.lr,
      ...update,
    };
    const rollouts = repeated.slice(0, this.opts.rolloutsToLog).map((p, i) => ({
      kind: 'rollout' as const,
      prompt: task.decode(p),
      response: task.decode(gen.tokens[i]) + (finished[i] ? ' EOS' : ' …'),
      correct: rewards[i] === 1,
      length: gen.tokens[i].length,
    }));
    return { metrics, tokens, rollouts };
  }

  private get parallel(): DataParallel | null {
    return this.opts.parallel ?? null;
  }

  /** Row ranges of the replicas' shards: whole prompt groups (GRPO normalizes within a group). */
  private groupShards(): [number, number][] {
    const G = this.cfg.groupSize;
    return shardRanges(this.cfg.promptsPerStep, this.parallel!.size).map(([a, b]) => [a * G, b * G]);
  }

  private policyParams(): PolicyParams {
    const { cfg } = this;
    return {
      temperature: cfg.temperature,
      grpo: cfg.algorithm === 'grpo',
      clipEps: cfg.clipEps,
      klCoef: cfg.klCoef,
      // constant normalizer (rollouts x cap): unbiased in length, unlike a per-sequence mean
      normalizer: cfg.promptsPerStep * cfg.groupSize * this.opts.maxNewTokens,
    };
  }

  /** REINFORCE / GRPO over the replicas: advantages on the whole batch, one gradient sum and one step per epoch. */
  private async parallelPolicyGradientUpdate(rewards: Float32Array, shards: PackedBatch[]): Promise<Record<string, number>> {
    const { cfg } = this;
    const adv = cfg.algorithm === 'grpo' ? groupAdvantages(rewards, cfg.groupSize) : baselineAdvantages(rewards);
    const ranges = this.groupShards();
    const params = this.policyParams();
    const out: Record<string, number> = {};
    for (let e = 0; e < cfg.epochs; e++) {
      const { grads, stats } = this.parallel!.policyGradients(
        this.model,
        this.ref,
        shards.map((p, k) => ({
          batch: p.batch, time: p.time, input: p.input, target: p.target, mask: p.mask,
          advantages: adv.slice(ranges[k][0], ranges[k][1]), epoch: e, epochs: cfg.epochs, params,
        })),
      );
      const gradNorm = await this.applyFlat(grads);
      const n = Math.max(stats[4], 1);
      const v = { [METRIC.loss]: stats[0], [METRIC.gradNorm]: gradNorm, [METRIC.entropy]: stats[1] / n, [METRIC.kl]: stats[2] / n, [METRIC.clipRatio]: stats[3] / n };
      // as on one thread: the first epoch measures the sampling policy, the clip share is the last epoch's
      if (e === 0) Object.assign(out, v);
      else out[METRIC.clipRatio] = v[METRIC.clipRatio];
    }
    return out;
  }

  /** STaR over the replicas: entropy/KL on all rollouts, then fine-tuning on the correct ones, split by rows. */
  private async parallelStarUpdate(rows: SequenceParts[], rewards: Float32Array, shards: PackedBatch[]): Promise<Record<string, number>> {
    const dp = this.parallel!;
    const m = measuredMeans(
      dp.measure(this.model, this.ref, shards.map((p) => ({ batch: p.batch, time: p.time, input: p.input, target: p.target, mask: p.mask, temperature: this.cfg.temperature }))),
    );
    const out: Record<string, number> = { [METRIC.entropy]: m.entropy, [METRIC.kl]: m.kl, [METRIC.clipRatio]: 0 };
    const kept = rows.filter((_, i) => rewards[i] === 1);
    if (kept.length === 0) return out; // no correct sample: nothing to imitate this step
    const packs = shardRanges(kept.length, dp.size).map(([a, b]) => packSequences(kept.slice(a, b), this.task.eosId));
    // the mean over all kept tokens: each shard divides by the kept batch's token count
    const normalizer = Math.max(packs.reduce((n, p) => n + p.tokens, 0), 1);
    for (let e = 0; e < this.cfg.epochs; e++) {
      const { grads, loss } = dp.gradients(
        this.model,
        packs.map((p) => ({ batch: p.batch, time: p.time, input: p.input, target: p.target, weight: p.mask, normalizer })),
      );
      const gradNorm = await this.applyFlat(grads);
      if (e === 0) Object.assign(out, { [METRIC.loss]: loss, [METRIC.gradNorm]: gradNorm });
    }
    return out;
  }

  /** Clip and apply a summed flat gradient; returns the norm before clipping. */
  private async applyFlat(flat: Float32Array): Promise<number> {
    const grads = unflatten(flat, this.model.variables);
    try {
      return (await readAndDispose({ norm: applyGradients(this.opt, this.cfg.lr, this.cfg.gradClip, grads) })).norm;
    } finally {
      tf.dispose(grads);
    }
  }

  /** Entropy of the policy and KL to the start model on the rollouts, without gradients. */
  private measure(batch: BatchTensors): Promise<Record<string, number>> {
    const tau = this.cfg.temperature;
    const s = tf.tidy(() => {
      const logits = this.model.forward(batch.input);
      const logp = tokenLogProbs(logits, batch.target, tau);
      const refLogp = tokenLogProbs(this.ref.forward(batch.input), batch.target, tau);
      return {
        [METRIC.entropy]: maskedMean(tokenEntropy(logits, tau), batch.mask),
        [METRIC.kl]: maskedMean(klK3(logp, refLogp), batch.mask),
      };
    });
    return readAndDispose(s);
  }

  /** STaR: supervised fine-tuning on the rollouts that earned reward 1. */
  private async starUpdate(rows: SequenceParts[], rewards: Float32Array, all: BatchTensors): Promise<Record<string, number>> {
    const out = await this.measure(all);
    const kept = rows.filter((_, i) => rewards[i] === 1);
    out[METRIC.clipRatio] = 0;
    if (kept.length === 0) return out; // no correct sample: nothing to imitate this step
    const b = toTensors(packSequences(kept, this.task.eosId));
    try {
      for (let e = 0; e < this.cfg.epochs; e++) {
        const r = optimizerStep(this.opt, this.cfg.lr, this.cfg.gradClip, () => ({
          loss: maskedCrossEntropy(this.model.forward(b.input), b),
        }));
        const v = await readAndDispose({ loss: r.loss, gradNorm: r.gradNorm });
        if (e === 0) Object.assign(out, { [METRIC.loss]: v.loss, [METRIC.gradNorm]: v.gradNorm });
      }
    } finally {
      disposeBatch(b);
    }
    return out;
  }

  /** REINFORCE / GRPO: maximize sum over rollout tokens of A * ratio (clipped for GRPO) - beta * KL. */
  private async policyGradientUpdate(rewards: Float32Array, b: BatchTensors): Promise<Record<string, number>> {
    const { cfg } = this;
    const tau = cfg.temperature;
    const adv = cfg.algorithm === 'grpo' ? groupAdvantages(rewards, cfg.groupSize) : baselineAdvantages(rewards);
    const B = rewards.length;
    const params = this.policyParams();
    const A = tf.tensor2d(adv, [B, 1]);
    const refLogp = tf.tidy(() => tokenLogProbs(this.ref.forward(b.input), b.target, tau));
    let oldLogp: tf.Tensor | null = null;
    const out: Record<string, number> = {};
    try {
      for (let e = 0; e < cfg.epochs; e++) {
        const r = optimizerStep(this.opt, cfg.lr, cfg.gradClip, () => {
          const o = policyObjective(this.model, b, A, oldLogp, refLogp, params);
          if (e === 0 && cfg.epochs > 1) oldLogp = tf.keep(o.logp.clone());
          const n = o.sums.mask.maximum(1);
          return {
            loss: o.loss,
            aux: { [METRIC.entropy]: o.sums.entropy.div(n), [METRIC.kl]: o.sums.kl.div(n), [METRIC.clipRatio]: o.sums.clipped.div(n) } as Record<string, tf.Scalar>,
          };
        });
        const v = await readAndDispose({ [METRIC.loss]: r.loss, [METRIC.gradNorm]: r.gradNorm, ...r.aux });
        // the first epoch measures the policy that sampled; the clip share comes from the last epoch
        if (e === 0) Object.assign(out, v);
        else out[METRIC.clipRatio] = v[METRIC.clipRatio]; // the last epoch is the most off-policy
      }
    } finally {
      A.dispose();
      refLogp.dispose();
      (oldLogp as tf.Tensor | null)?.dispose();
    }
    return out;
  }

  dispose(): void {
    this.opt.dispose();
  }
}

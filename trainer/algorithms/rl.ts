// RL post-training from an NTP model: sample groups of responses per prompt at temperature tau,
// reward them (end-to-end or chain), and update with STaR, REINFORCE (batch-mean baseline) or GRPO
// (group-normalized advantages, clipped ratio, optional k3 KL penalty to the frozen start model).
import * as tf from '@tensorflow/tfjs';
import type { SampleRow } from '../../db/types';
import { packSequences, type SequenceParts } from './batch';
import type { RlConfig } from '../../vocabulary/experiment-config';
import { generate } from '../model/generate';
import { disposeBatch, maskedCrossEntropy, maskedMean, stopGradient, toTensors, tokenEntropy, tokenLogProbs, type BatchTensors } from '../model/losses';
import { METRIC } from '../../vocabulary/metric-keys';
import { AdamW, optimizerStep, readAndDispose } from '../model/optim';
import { baselineAdvantages, fracZeroStdGroups, groupAdvantages } from '../model/rl-math';
import { clippedSurrogate, klK3 } from '../model/rl-objective';
import { hashSeed, Rng } from '../model/rng';
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
    const gen = await generate(this.model, repeated, {
      maxNewTokens: this.opts.maxNewTokens,
      temperature: cfg.temperature,
      eosId: task.eosId,
      seed: hashSeed(`${this.opts.seed}:rl-sample:${step}`),
    });
    // reward
    const finished = repeated.map((_, i) => gen.finished[i] === 1);
    const rewards = Float32Array.from(repeated, (p, i) =>
      (cfg.reward === 'chain' ? task.chainCorrect(p, gen.tokens[i], finished[i]) : task.isCorrect(p, gen.tokens[i], finished[i])) ? 1 : 0,
    );
    const rows: SequenceParts[] = repeated.map((p, i) => ({ prompt: p, response: gen.tokens[i], withEos: finished[i] }));
    const packed = packSequences(rows, task.eosId);
    const batch = toTensors(packed);

    let update: Record<string, number>;
    try {
      update = cfg.algorithm === 'star' ? await this.starUpdate(rows, rewards, batch) : await this.policyGradientUpdate(rewards, batch);
    } finally {
      disposeBatch(batch);
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
    return { metrics, tokens: packed.tokens, rollouts };
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
    const grpo = cfg.algorithm === 'grpo';
    const adv = grpo ? groupAdvantages(rewards, cfg.groupSize) : baselineAdvantages(rewards);
    const B = rewards.length;
    // constant normalizer (rollouts x cap): unbiased in length, unlike a per-sequence mean
    const norm = B * this.opts.maxNewTokens;
    const A = tf.tensor2d(adv, [B, 1]);
    const refLogp = tf.tidy(() => tokenLogProbs(this.ref.forward(b.input), b.target, tau));
    let oldLogp: tf.Tensor | null = null;
    const out: Record<string, number> = {};
    try {
      for (let e = 0; e < cfg.epochs; e++) {
        const r = optimizerStep(this.opt, cfg.lr, cfg.gradClip, () => {
          const logits = this.model.forward(b.input);
          const logp = tokenLogProbs(logits, b.target, tau); // [B, T]
          // epoch 0 is on-policy: the ratio is exactly 1 but carries the gradient of log pi
          const old = oldLogp ?? stopGradient(logp);
          if (e === 0 && cfg.epochs > 1) oldLogp = tf.keep(logp.clone());
          const ratio = logp.sub(old).exp();
          const { value: objective, clipped } = grpo
            ? clippedSurrogate(ratio, A, cfg.clipEps)
            : { value: ratio.mul(A), clipped: tf.zerosLike(ratio) };
          const kl = klK3(logp, refLogp);
          const perToken = cfg.klCoef > 0 ? objective.sub(kl.mul(cfg.klCoef)) : objective;
          const loss = perToken.mul(b.mask).sum().div(-norm) as tf.Scalar;
          return {
            loss,
            aux: {
              [METRIC.entropy]: maskedMean(tokenEntropy(logits, tau), b.mask),
              [METRIC.kl]: maskedMean(kl, b.mask),
              [METRIC.clipRatio]: maskedMean(clipped, b.mask),
            },
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

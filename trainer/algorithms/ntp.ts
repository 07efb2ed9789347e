// Online next-token prediction: a fresh batch of the task's mixture every step, masked
// cross-entropy on response tokens + EOS, AdamW with warmup + constant/cosine, global-norm clipping.
import * as tf from '@tensorflow/tfjs';
import type { NtpConfig } from '../../vocabulary/experiment-config';
import { packSequences } from './batch';
import { disposeBatch, maskedCrossEntropy, toTensors } from '../model/losses';
import { AdamW, applyGradients, optimizerStep, readAndDispose } from '../model/optim';
import { shardRanges, unflatten, type DataParallel } from '../compute/data-parallel';
import type { GPT } from '../model/model';
import { Rng } from '../model/rng';
import { getLr } from '../model/schedule';
import type { Task } from '../tasks/task';
import type { TrainerState } from '../model/checkpoint';

export interface NtpStepResult {
  lr: number;
  /** Response + EOS tokens scored this step. */
  tokens: number;
  /** Read back only when asked (a sync point). */
  loss?: number;
  gradNorm?: number;
}

export class NtpTrainer {
  private readonly rng: Rng;
  private readonly opt: AdamW;

  constructor(
    private readonly model: GPT,
    private readonly task: Task,
    private readonly cfg: NtpConfig,
    seed: number,
    /** Continue a checkpointed optimisation (moments and data stream) instead of starting fresh. */
    restore: TrainerState | null = null,
    /** Replicas that share the batch (null: this thread computes the whole batch). */
    private readonly parallel: DataParallel | null = null,
  ) {
    this.rng = restore ? Rng.atPosition(restore.rng) : Rng.derive(seed, 'ntp-data');
    this.opt = new AdamW(model.variables, { weightDecay: cfg.weightDecay });
    if (restore) this.opt.importState(restore.optimizer);
  }

  /** What a checkpoint needs to continue this optimisation. */
  async state(): Promise<TrainerState> {
    return { optimizer: await this.opt.exportState(), rng: this.rng.position };
  }

  /** One update on a fresh batch; `step` is 0-based within the phase. */
  async step(step: number, readBack: boolean): Promise<NtpStepResult> {
    const lr = getLr(step, this.cfg);
    const examples = this.task.sampleBatch(this.rng, this.cfg.batchSize);
    if (this.parallel) return this.parallelStep(examples, lr, readBack);
    const packed = packSequences(
      examples.map((e) => ({ prompt: e.prompt, response: e.response, withEos: true })),
      this.task.eosId,
    );
    const batch = toTensors(packed);
    try {
      const r = optimizerStep(this.opt, lr, this.cfg.gradClip, () => ({
        loss: maskedCrossEntropy(this.model.forward(batch.input), batch),
      }));
      if (!readBack) {
        r.loss.dispose();
        r.gradNorm.dispose();
        return { lr, tokens: packed.tokens };
      }
      const v = await readAndDispose({ loss: r.loss, gradNorm: r.gradNorm });
      return { lr, tokens: packed.tokens, loss: v.loss, gradNorm: v.gradNorm };
    } finally {
      disposeBatch(batch);
    }
  }

  /** The same update with the batch split across the replicas: one gradient sum, one AdamW step. */
  private async parallelStep(examples: ReturnType<Task['sampleBatch']>, lr: number, readBack: boolean): Promise<NtpStepResult> {
    const dp = this.parallel!;
    const packs = shardRanges(examples.length, dp.size).map(([a, b]) =>
      packSequences(examples.slice(a, b).map((e) => ({ prompt: e.prompt, response: e.response, withEos: true })), this.task.eosId),
    );
    const tokens = packs.reduce((s, p) => s + p.tokens, 0);
    // the masked mean over the whole batch: each shard divides by the batch's token count
    const normalizer = Math.max(tokens, 1);
    const { grads, loss } = dp.gradients(
      this.model,
      packs.map((p) => ({ batch: p.batch, time: p.time, input: p.input, target: p.target, weight: p.mask, normalizer })),
    );
    const gradTensors = unflatten(grads, this.model.variables);
    try {
      const norm = applyGradients(this.opt, lr, this.cfg.gradClip, gradTensors);
      if (!readBack) {
        norm.dispose();
        return { lr, tokens };
      }
      return { lr, tokens, loss, gradNorm: (await readAndDispose({ norm })).norm };
    } finally {
      tf.dispose(gradTensors);
    }
  }

  dispose(): void {
    this.opt.dispose();
  }
}

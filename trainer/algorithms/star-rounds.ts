// STaR as the paper means it, in rounds. One RL step is one round:
//   sample   - promptsPerStep x groupSize rollouts from the current model at temperature tau;
//   filter   - keep those that earned reward 1 (with the end-to-end reward: every long one and the
//              half of the short ones whose guess is right);
//   refit    - fine-tune on the kept responses with NTP's masked loss and AdamW (fresh moments each
//              round, from the current model or from the RL start model) until the model is
//              calibrated to the kept mix: its sampled long share (temperature 1, held-out prompts)
//              within a tolerance of the kept long share, or a cap on fine-tune steps.
// A model calibrated to the kept mix of a calibrated model with long share p has long share
// 2p/(1+p): the recursion the star/* metrics compare against (SCIENCE.md, "What RL does").
import * as tf from '@tensorflow/tfjs';
import { packSequences, type SequenceParts } from './batch';
import type { RlConfig } from '../../vocabulary/experiment-config';
import { METRIC } from '../../vocabulary/metric-keys';
import { generate } from '../model/generate';
import { disposeBatch, maskedCrossEntropy, maskedMean, toTensors, tokenEntropy, tokenLogProbs, type BatchTensors } from '../model/losses';
import { AdamW, optimizerStep, readAndDispose } from '../model/optim';
import { fracZeroStdGroups } from '../model/rl-math';
import { klK3 } from '../model/rl-objective';
import { hashSeed, Rng } from '../model/rng';
import { lengthStats, meanStd, share } from '../model/stats';
import type { GPT } from '../model/model';
import type { Task } from '../tasks/task';
import type { TrainerState } from '../model/checkpoint';
import type { RlOptions, RlStepResult } from './rl';

/** p_next = 2p / (1 + p): the long share after a round that refits the end-to-end-correct samples. */
export function starNext(p: number): number {
  return (2 * p) / (1 + p);
}

export interface StarRoundsOptions extends RlOptions {
  /** Prompts the calibration check samples (the run's held-out prompts). */
  calibrationPrompts: Int32Array[];
  /** Ends a round's fine-tune early (the run is stopping); the round is then reported as it stands. */
  signal?: AbortSignal;
}

interface Refit {
  steps: number;
  tokens: number;
  /** Sampled long share after the last fine-tune step. */
  share: number;
  calibrated: boolean;
  loss: number;
  gradNorm: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class StarRounds {
  private readonly rng: Rng;
  private opt: AdamW;
  /** The model's sampled long share as the last round left it; measured on the first round when unknown. */
  private previousShare: number | null = null;

  constructor(
    private readonly model: GPT,
    /** The model RL started from: the KL reference, and each round's starting point with init 'start'. */
    private readonly start: GPT,
    private readonly task: Task,
    private readonly cfg: RlConfig,
    private readonly opts: StarRoundsOptions,
  ) {
    this.rng = opts.restore ? Rng.atPosition(opts.restore.rng) : Rng.derive(opts.seed, 'rl-prompts');
    this.opt = new AdamW(model.variables, { weightDecay: 0 });
  }

  /** A checkpoint needs only the prompt stream: every round starts with fresh optimizer moments. */
  async state(): Promise<TrainerState> {
    return { optimizer: await this.opt.exportState(), rng: this.rng.position };
  }

  /** One round; `round` is 0-based within the phase. */
  async step(round: number): Promise<RlStepResult> {
    const { cfg, task } = this;
    const before = this.previousShare ?? (await this.sampledLongShare(`${round}:before`));

    // sample
    const prompts = task.sampleBatch(this.rng, cfg.promptsPerStep).map((e) => e.prompt);
    const repeated = prompts.flatMap((p) => Array.from({ length: cfg.groupSize }, () => p));
    const gen = await generate(this.model, repeated, {
      maxNewTokens: this.opts.maxNewTokens,
      temperature: cfg.temperature,
      eosId: task.eosId,
      seed: hashSeed(`${this.opts.seed}:star-sample:${round}`),
    });
    const finished = repeated.map((_, i) => gen.finished[i] === 1);
    const long = gen.tokens.map((t, i) => task.isLong(t, finished[i]));
    const rewards = Float32Array.from(repeated, (p, i) =>
      (cfg.reward === 'chain' ? task.chainCorrect(p, gen.tokens[i], finished[i]) : task.isCorrect(p, gen.tokens[i], finished[i])) ? 1 : 0,
    );
    const rows: SequenceParts[] = repeated.map((p, i) => ({ prompt: p, response: gen.tokens[i], withEos: finished[i] }));
    const all = toTensors(packSequences(rows, task.eosId));
    let measured: Record<string, number>;
    try {
      measured = await this.measure(all);
    } finally {
      disposeBatch(all);
    }

    // filter, then refit until calibrated to the kept mix
    const keptIdx = rows.map((_, i) => i).filter((i) => rewards[i] === 1);
    const keptLong = keptIdx.length ? share(keptIdx.map((i) => long[i])) : NaN;
    const refit = keptIdx.length
      ? await this.refit(keptIdx.map((i) => rows[i]), keptLong, round)
      : { steps: 0, tokens: 0, share: before, calibrated: false, loss: NaN, gradNorm: NaN }; // nothing to imitate
    this.previousShare = refit.share;

    const r = meanStd(rewards);
    const len = lengthStats(gen.tokens.map((t) => t.length));
    const metrics: Record<string, number> = {
      [METRIC.rewardMean]: r.mean,
      [METRIC.rewardStd]: r.std,
      [METRIC.fracRewardZeroStd]: fracZeroStdGroups(rewards, cfg.groupSize),
      [METRIC.lengthMean]: len.mean,
      [METRIC.lengthMin]: len.min,
      [METRIC.lengthMax]: len.max,
      [METRIC.truncatedRatio]: share(finished.map((f) => !f)),
      [METRIC.longShare]: share(long),
      [METRIC.lr]: cfg.lr,
      ...measured,
      [METRIC.clipRatio]: 0,
      [METRIC.loss]: refit.loss,
      [METRIC.gradNorm]: refit.gradNorm,
      [METRIC.starKeptLongShare]: keptLong,
      [METRIC.starSampledLongShare]: refit.share,
      [METRIC.starFinetuneSteps]: refit.steps,
      [METRIC.starCalibrated]: refit.calibrated ? 1 : 0,
    };
    // the recursion's premise: the end-to-end reward keeps all long and half the short responses
    if (cfg.reward === 'end-to-end') metrics[METRIC.starTheoryLongShare] = starNext(before);
    const rollouts = repeated.slice(0, this.opts.rolloutsToLog).map((p, i) => ({
      kind: 'rollout' as const,
      prompt: task.decode(p),
      response: task.decode(gen.tokens[i]) + (finished[i] ? ' EOS' : ' …'),
      correct: rewards[i] === 1,
      length: gen.tokens[i].length,
    }));
    return { metrics, tokens: refit.tokens, rollouts };
  }

  /** Fine-tune on the kept responses until the sampled long share is within the tolerance of `target`. */
  private async refit(kept: SequenceParts[], target: number, round: number): Promise<Refit> {
    const star = this.cfg.star;
    if (star.init === 'start') this.model.copyWeightsFrom(this.start);
    // a new fit target each round: fresh moments
    this.opt.dispose();
    this.opt = new AdamW(this.model.variables, { weightDecay: 0 });
    const order = new Rng(hashSeed(`${this.opts.seed}:star-batches:${round}`));
    const batches = new BatchCycle(kept.length, Math.min(star.batchSize, kept.length), order);
    const out: Refit = { steps: 0, tokens: 0, share: NaN, calibrated: false, loss: NaN, gradNorm: NaN };
    for (let s = 1; s <= star.finetuneStepsMax; s++) {
      const packed = packSequences(batches.next().map((i) => kept[i]), this.task.eosId);
      const b = toTensors(packed);
      try {
        const r = optimizerStep(this.opt, this.cfg.lr, this.cfg.gradClip, () => ({ loss: maskedCrossEntropy(this.model.forward(b.input), b) }));
        const v = await readAndDispose({ loss: r.loss, gradNorm: r.gradNorm });
        out.loss = v.loss;
        out.gradNorm = v.gradNorm;
      } finally {
        disposeBatch(b);
      }
      out.steps = s;
      out.tokens += packed.tokens;
      const stopping = this.opts.signal?.aborted === true;
      if (s % star.calibrateEvery === 0 || s === star.finetuneStepsMax || stopping) {
        out.share = await this.sampledLongShare(`${round}:${s}`);
        out.calibrated = Math.abs(out.share - target) <= star.calibrationTolerance;
        if (out.calibrated || stopping) break;
      }
      await yieldToEventLoop();
    }
    return out;
  }

  /** The model's long share when sampling at temperature 1 on the calibration prompts (repeated to calibrationSamples). */
  private async sampledLongShare(tag: string): Promise<number> {
    const base = this.opts.calibrationPrompts;
    const n = this.cfg.star.calibrationSamples;
    const prompts = Array.from({ length: n }, (_, i) => base[i % base.length]!);
    const gen = await generate(this.model, prompts, {
      maxNewTokens: this.opts.maxNewTokens,
      temperature: 1,
      eosId: this.task.eosId,
      seed: hashSeed(`${this.opts.seed}:star-calibrate:${tag}`),
    });
    return share(gen.tokens.map((t, i) => this.task.isLong(t, gen.finished[i] === 1)));
  }

  /** Entropy of the policy and KL to the start model on the rollouts, before the refit. */
  private measure(batch: BatchTensors): Promise<Record<string, number>> {
    const tau = this.cfg.temperature;
    const s = tf.tidy(() => {
      const logits = this.model.forward(batch.input);
      const logp = tokenLogProbs(logits, batch.target, tau);
      const refLogp = tokenLogProbs(this.start.forward(batch.input), batch.target, tau);
      return {
        [METRIC.entropy]: maskedMean(tokenEntropy(logits, tau), batch.mask),
        [METRIC.kl]: maskedMean(klK3(logp, refLogp), batch.mask),
      };
    });
    return readAndDispose(s);
  }

  dispose(): void {
    this.opt.dispose();
  }
}

/** Minibatches of indices in [0, n): shuffled passes, each index once per pass. */
class BatchCycle {
  private order: number[] = [];
  private at = 0;
  constructor(
    private readonly n: number,
    private readonly size: number,
    private readonly rng: Rng,
  ) {}

  next(): number[] {
    const out: number[] = [];
    while (out.length < this.size) {
      if (this.at === this.order.length) this.shuffle();
      out.push(this.order[this.at++]!);
    }
    return out;
  }

  private shuffle(): void {
    this.order = Array.from({ length: this.n }, (_, i) => i);
    for (let i = this.n - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      [this.order[i], this.order[j]] = [this.order[j]!, this.order[i]!];
    }
    this.at = 0;
  }
}

// Online next-token prediction: a fresh batch of the task's mixture every step, masked
// cross-entropy on response tokens + EOS, AdamW with warmup + constant/cosine, global-norm clipping.
import type { NtpConfig } from '../../vocabulary/experiment-config';
import { packSequences } from './batch';
import { disposeBatch, maskedCrossEntropy, toTensors } from '../model/losses';
import { AdamW, optimizerStep, readAndDispose } from '../model/optim';
import { Rng } from '../model/rng';
import { getLr } from '../model/schedule';
import type { Task } from '../tasks/task';
import type { TrainableModel } from '../model/trainable';

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
    private readonly model: TrainableModel,
    private readonly task: Task,
    private readonly cfg: NtpConfig,
    seed: number,
  ) {
    this.rng = Rng.derive(seed, 'ntp-data');
    this.opt = new AdamW(model.variables, { weightDecay: cfg.weightDecay });
  }

  /** One update on a fresh batch; `step` is 0-based within the phase. */
  async step(step: number, readBack: boolean): Promise<NtpStepResult> {
    const lr = getLr(step, this.cfg);
    const examples = this.task.sampleBatch(this.rng, this.cfg.batchSize);
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

  dispose(): void {
    this.opt.dispose();
  }
}

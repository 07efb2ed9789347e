// One experiment: NTP, then RL from its final model (or from a stored checkpoint), with evaluation
// and checkpoints every k steps. Everything it produces goes to a sink, so the same code runs in the
// trainer process (sink = SQLite recorder + parent messages) and in tests (sink = arrays).
import type { CheckpointInput, MetricRow, Phase, SampleRow } from '../../db/types';
import { blockSizeFor, responseCap, type ExperimentConfig } from '../../vocabulary/experiment-config';
import { modelConfigFor } from '../model/model-config';
import { evaluate, type EvalOutcome, type PhaseSummary } from './eval';
import { METRIC } from '../../vocabulary/metric-keys';
import { GPT, type GPTConfig } from '../model/model';
import { NtpTrainer } from './ntp';
import { RlTrainer } from './rl';
import { hashSeed } from '../model/rng';
import { makeTask } from '../tasks';
import type { Task } from '../tasks/task';

export interface ProgressEvent {
  phase: Phase;
  /** Steps done in this phase. */
  step: number;
  totalSteps: number;
  /** Global optimizer step (RL continues after NTP). */
  globalStep: number;
  samplesSeen: number;
  stepsPerSec: number;
  /** Seconds left in this phase at the current rate. */
  etaSeconds: number | null;
  /** Values logged at this step. */
  metrics: Record<string, number>;
}

/** Where an experiment's output goes. The store-backed one lives in process.ts. */
export interface ExperimentSink {
  metrics(rows: MetricRow[]): void;
  samples(rows: SampleRow[]): void;
  /** Stores a checkpoint; returns its id. */
  checkpoint(c: CheckpointInput): number;
  progress(ev: ProgressEvent): void;
  /** Told after a checkpoint was stored. */
  checkpointSaved?(info: { id: number; phase: Phase; step: number }): void;
}

export interface ExperimentHooks {
  /** Called before every optimizer step; a throw fails the run (used to test failure paths). */
  beforeStep?(phase: Phase, step: number): void;
}

export interface ExperimentOptions {
  signal?: AbortSignal;
  /** RL's start model when config.rl.fromCheckpoint is set (the caller loads it). Trained in place. */
  startModel?: GPT;
  /** Global step and samples seen of that checkpoint, so RL's steps continue from it. */
  startStep?: number;
  startSamplesSeen?: number;
  hooks?: ExperimentHooks;
  /** Continue an interrupted run from its own last checkpoint (the caller loads it). */
  resume?: ResumePoint;
}

/** Where a resumed run picks up. Optimizer moments are not checkpointed: AdamW restarts from zero. */
export interface ResumePoint {
  phase: Phase;
  /** Global step of the checkpoint. */
  step: number;
  samplesSeen: number;
  /** Seconds since the run started, at the checkpoint (wall times continue from here). */
  wallTime?: number;
  /** The checkpoint's weights; trained in place, the caller disposes it. */
  model: GPT;
  /** When resuming inside RL: RL's reference, i.e. the model RL started from. */
  ref?: GPT;
}

export interface ExperimentSummary {
  ntp: PhaseSummary | null;
  rl: PhaseSummary | null;
}

export interface ExperimentResult {
  status: 'completed' | 'stopped';
  summary: ExperimentSummary;
}

/** Self-describing checkpoint metadata (nanoGPT habit): resuming takes the architecture from here. */
export interface CheckpointMeta {
  format: 'gpt-v1';
  modelConfig: GPTConfig;
  config: ExperimentConfig;
  phase: Phase;
  step: number;
  samplesSeen: number;
  /** Seconds since the run started. */
  wallTime?: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A step is due every `every` steps (1-based count `done`) and always at the phase's end. */
function due(done: number, every: number, total: number): boolean {
  return done === total || (every > 0 && done % every === 0);
}

class PhaseClock {
  private readonly t0 = performance.now();
  private lastProgress = 0;
  constructor(readonly runStart: number) {}
  wallTime(): number {
    return (performance.now() - this.runStart) / 1000;
  }
  rate(done: number): number {
    const s = (performance.now() - this.t0) / 1000;
    return s > 0 ? done / s : 0;
  }
  /** Progress at most 5 times a second, but always when forced (evaluations, the end). */
  shouldReport(force: boolean): boolean {
    const now = performance.now();
    if (!force && now - this.lastProgress < 200) return false;
    this.lastProgress = now;
    return true;
  }
}

export async function runExperiment(
  config: ExperimentConfig,
  sink: ExperimentSink,
  signal?: AbortSignal,
  opts: ExperimentOptions = {},
): Promise<ExperimentResult> {
  const task = makeTask(config.task);
  const heldOut = task.heldOut(config.seed, config.eval.heldOut);
  const cap = responseCap(config);
  // a resumed run's wall times continue from its checkpoint
  const runStart = performance.now() - (opts.resume?.wallTime ?? 0) * 1000;
  const summary: ExperimentSummary = { ntp: null, rl: null };
  const stopped = () => signal?.aborted === true;

  const { resume } = opts;
  const ownModel = !opts.startModel && !resume;
  if (!opts.startModel && !resume && config.rl?.fromCheckpoint) {
    throw new Error('rl.fromCheckpoint is set but no start model was loaded');
  }
  const model = resume?.model ?? opts.startModel ?? new GPT(modelConfigFor(config), config.seed);
  if (model.config.blockSize < blockSizeFor(config) || model.config.vocabSize !== task.vocabSize) {
    throw new Error(
      `the start model (blockSize ${model.config.blockSize}, vocab ${model.config.vocabSize}) does not fit this task ` +
        `(needs blockSize ${blockSizeFor(config)}, vocab ${task.vocabSize})`,
    );
  }
  // global step where RL begins: after this run's NTP, or at the checkpoint RL branches from
  const rlStart = (opts.startStep ?? 0) + config.ntp.steps;
  if (resume?.phase === 'rl' && !resume.ref) throw new Error('resuming inside RL needs its reference (start) model');
  let globalStep = resume?.step ?? opts.startStep ?? 0;
  let samplesSeen = resume?.samplesSeen ?? opts.startSamplesSeen ?? 0;

  const log = (phase: Phase, step: number, values: Record<string, number>, wallTime: number) => {
    const rows: MetricRow[] = [];
    for (const [key, value] of Object.entries(values)) {
      if (Number.isFinite(value)) rows.push({ key, step, phase, value, wallTime, samplesSeen });
    }
    if (rows.length) sink.metrics(rows);
  };
  const runEval = async (phase: Phase, step: number): Promise<EvalOutcome> => {
    const out = await evaluate(model, task, heldOut, {
      maxNewTokens: cap,
      sampleTemperature: config.eval.sampleTemperature,
      seed: hashSeed(`${config.seed}:eval:${phase}:${step}`),
      samplesToLog: config.eval.samplesToLog,
    });
    if (out.samples.length) sink.samples(out.samples.map((s) => ({ ...s, phase, step })));
    return out;
  };
  const saveCheckpoint = async (phase: Phase, step: number) => {
    const wallTime = (performance.now() - runStart) / 1000;
    const meta: CheckpointMeta = { format: 'gpt-v1', modelConfig: model.config, config, phase, step, samplesSeen, wallTime };
    const id = sink.checkpoint({ phase, step, bytes: await model.toBytesAsync(), meta });
    sink.checkpointSaved?.({ id, phase, step });
  };

  /** After a phase's step: evaluate, log, checkpoint and report progress when each is due. */
  const finishStep = async (
    phase: Phase,
    done: number,
    cfg: { steps: number; evalEvery: number; checkpointEvery: number },
    clock: PhaseClock,
    values: Record<string, number>,
  ) => {
    const evalNow = due(done, cfg.evalEvery, cfg.steps);
    if (evalNow) {
      const ev = await runEval(phase, globalStep);
      Object.assign(values, ev.metrics);
      summary[phase] = ev.summary;
    }
    log(phase, globalStep, values, clock.wallTime());
    if (cfg.checkpointEvery > 0 ? due(done, cfg.checkpointEvery, cfg.steps) : done === cfg.steps) {
      await saveCheckpoint(phase, globalStep);
    }
    if (clock.shouldReport(evalNow || done === cfg.steps)) {
      const rate = clock.rate(done);
      sink.progress({
        phase, step: done, totalSteps: cfg.steps, globalStep, samplesSeen,
        stepsPerSec: rate, etaSeconds: rate > 0 ? (cfg.steps - done) / rate : null, metrics: values,
      });
    }
  };

  try {
    // ---- NTP ----
    if (config.ntp.steps > 0 && resume?.phase !== 'rl' && !stopped()) {
      const cfg = config.ntp;
      const trainer = new NtpTrainer(model, task, cfg, config.seed);
      const clock = new PhaseClock(runStart);
      const logEvery = Math.max(1, Math.floor(cfg.steps / 2000));
      let tokensSeen = 0;
      try {
        for (let i = resume?.phase === 'ntp' ? resume.step : 0; i < cfg.steps; i++) {
          if (stopped()) return { status: 'stopped', summary };
          opts.hooks?.beforeStep?.('ntp', i);
          // forward-backward-update on a fresh batch
          const t0 = performance.now();
          const done = i + 1;
          const logNow = done % logEvery === 0 || done === cfg.steps;
          const r = await trainer.step(i, logNow);
          globalStep++;
          samplesSeen += cfg.batchSize;
          tokensSeen += r.tokens;
          const values: Record<string, number> = {};
          if (logNow) {
            Object.assign(values, {
              [METRIC.loss]: r.loss ?? NaN,
              [METRIC.gradNorm]: r.gradNorm ?? NaN,
              [METRIC.lr]: r.lr,
              [METRIC.stepTimeMs]: performance.now() - t0,
              [METRIC.tokensSeen]: tokensSeen,
            });
          }
          await finishStep('ntp', done, cfg, clock, values);
          await yieldToEventLoop();
        }
      } finally {
        trainer.dispose();
      }
    }

    // ---- RL ----
    if (config.rl && config.rl.steps > 0 && !stopped()) {
      const cfg = config.rl;
      const ref = resume?.ref ?? GPT.fromBytes(await model.toBytesAsync());
      const trainer = new RlTrainer(model, ref, task, cfg, {
        maxNewTokens: cap,
        seed: config.seed,
        rolloutsToLog: Math.min(4, cfg.promptsPerStep * cfg.groupSize),
      });
      const clock = new PhaseClock(runStart);
      try {
        if (config.ntp.steps === 0 && !resume) {
          // RL from a stored checkpoint: measure where it starts
          const ev = await runEval('rl', globalStep);
          log('rl', globalStep, ev.metrics, clock.wallTime());
        }
        for (let i = resume?.phase === 'rl' ? resume.step - rlStart : 0; i < cfg.steps; i++) {
          if (stopped()) return { status: 'stopped', summary };
          opts.hooks?.beforeStep?.('rl', i);
          const t0 = performance.now();
          const done = i + 1;
          const r = await trainer.step(i);
          globalStep++;
          samplesSeen += cfg.promptsPerStep * cfg.groupSize;
          const values: Record<string, number> = { ...r.metrics, [METRIC.stepTimeMs]: performance.now() - t0 };
          if (r.rollouts.length) sink.samples(r.rollouts.map((s) => ({ ...s, phase: 'rl' as const, step: globalStep })));
          await finishStep('rl', done, cfg, clock, values);
          await yieldToEventLoop();
        }
      } finally {
        trainer.dispose();
        if (ref !== resume?.ref) ref.dispose();
      }
    }
    return { status: 'completed', summary };
  } finally {
    if (ownModel) model.dispose();
  }
}


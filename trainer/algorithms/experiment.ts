// One experiment: NTP, then RL from its final model (or from a stored checkpoint), with evaluation
// and checkpoints every k steps. Where it starts is one StartPoint (start-point.ts). Everything it produces goes to a sink, so the same code runs in the
// trainer process (sink = SQLite recorder + parent messages) and in tests (sink = arrays).
import type { CheckpointInput, MetricRow, Phase, SampleRow } from '../../db/types';
import { blockSizeFor, responseCap, type ExperimentConfig } from '../../vocabulary/experiment-config';
import { modelConfigFor } from '../model/model-config';
import { encodeCheckpoint, type CheckpointMeta, type TrainerState } from '../model/checkpoint';
import { SCRATCH, type StartPoint } from './start-point';
import { evaluate, type EvalOutcome, type PhaseSummary } from './eval';
import { METRIC } from '../../vocabulary/metric-keys';
import type { ProgressReport } from '../../vocabulary/progress';
import { GPT } from '../model/model';
import { NtpTrainer } from './ntp';
import { DataParallel } from '../compute/data-parallel';
import { RlTrainer } from './rl';
import { StarRounds } from './star-rounds';
import { hashSeed } from '../model/rng';
import { makeTask } from '../tasks';

/** The trainer protocol's progress message carries this as is. */
export type ProgressEvent = ProgressReport;

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
  /** Where training starts (default: scratch). Its models are trained in place; the caller disposes them. */
  start?: StartPoint;
  hooks?: ExperimentHooks;
  /** Data-parallel replicas for NTP and RL (default 1: this thread only); see resolveWorkers. */
  workers?: number;
}

/**
 * How many replicas a run uses: the config's `workers` (0 = auto) within the cores it was given
 * (the queue's budget; default: all of the machine's). Worker threads run the WASM backend, so
 * another backend computes on one thread.
 */
export function resolveWorkers(configured: number, budget: number, backend: string): number {
  if (backend !== 'wasm') return 1;
  return Math.max(1, configured === 0 ? budget : Math.min(configured, budget));
}

export interface ExperimentSummary {
  ntp: PhaseSummary | null;
  rl: PhaseSummary | null;
}

export interface ExperimentResult {
  status: 'completed' | 'stopped';
  summary: ExperimentSummary;
}

export type { CheckpointMeta } from '../model/checkpoint';

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
  const start = opts.start ?? SCRATCH;
  const resume = start.initFrom === 'resume' ? start : null;
  // a resumed run's wall times continue from its checkpoint
  const runStart = performance.now() - (resume?.wallTime ?? 0) * 1000;
  const summary: ExperimentSummary = { ntp: null, rl: null };
  const stopped = () => signal?.aborted === true;

  if (start.initFrom === 'scratch' && config.ntp.steps === 0 && config.rl?.fromCheckpoint) {
    throw new Error('rl.fromCheckpoint is set but the start point is scratch (load it with loadStartPoint)');
  }
  const ownModel = start.initFrom === 'scratch';
  const model = start.initFrom === 'scratch' ? new GPT(modelConfigFor(config), config.seed) : start.model;
  if (model.config.blockSize < blockSizeFor(config) || model.config.vocabSize !== task.vocabSize) {
    throw new Error(
      `the start model (blockSize ${model.config.blockSize}, vocab ${model.config.vocabSize}) does not fit this task ` +
        `(needs blockSize ${blockSizeFor(config)}, vocab ${task.vocabSize})`,
    );
  }
  // global step where RL begins: after this run's NTP, or at the checkpoint RL branches from
  const rlStart = branchStepOf(start) + config.ntp.steps;
  if (resume?.phase === 'rl' && !resume.ref) throw new Error('resuming inside RL needs its reference (start) model');
  let globalStep = start.initFrom === 'scratch' ? 0 : start.step;
  let samplesSeen = start.initFrom === 'scratch' ? 0 : start.samplesSeen;

  const log = (phase: Phase, step: number, values: Record<string, number>, wallTime: number) => {
    const rows: MetricRow[] = [];
    for (const [key, value] of Object.entries(values)) {
      if (Number.isFinite(value)) rows.push({ key, step, phase, value, wallTime, samplesSeen });
    }
    if (rows.length) sink.metrics(rows);
  };
  // the current phase's replicas also share the evaluations' generations
  let evalParallel: DataParallel | null = null;
  const runEval = async (phase: Phase, step: number): Promise<EvalOutcome> => {
    const out = await evaluate(model, task, heldOut, {
      parallel: evalParallel,
      maxNewTokens: cap,
      sampleTemperature: config.eval.sampleTemperature,
      seed: hashSeed(`${config.seed}:eval:${phase}:${step}`),
      samplesToLog: config.eval.samplesToLog,
    });
    if (out.samples.length) sink.samples(out.samples.map((s) => ({ ...s, phase, step })));
    return out;
  };
  const saveCheckpoint = async (phase: Phase, step: number, state: TrainerState) => {
    const wallTime = (performance.now() - runStart) / 1000;
    const meta: CheckpointMeta = { format: 'gpt-v1', modelConfig: model.config, config, phase, step, samplesSeen, wallTime };
    const id = sink.checkpoint({ phase, step, bytes: await encodeCheckpoint(model, state), meta });
    sink.checkpointSaved?.({ id, phase, step });
  };

  /** After a phase's step: evaluate, log, checkpoint and report progress when each is due. */
  const finishStep = async (
    phase: Phase,
    done: number,
    cfg: { steps: number; evalEvery: number; checkpointEvery: number },
    clock: PhaseClock,
    values: Record<string, number>,
    trainer: { state(): Promise<TrainerState> },
  ) => {
    const evalNow = due(done, cfg.evalEvery, cfg.steps);
    if (evalNow) {
      const ev = await runEval(phase, globalStep);
      Object.assign(values, ev.metrics);
      summary[phase] = ev.summary;
    }
    log(phase, globalStep, values, clock.wallTime());
    if (cfg.checkpointEvery > 0 ? due(done, cfg.checkpointEvery, cfg.steps) : done === cfg.steps) {
      await saveCheckpoint(phase, globalStep, await trainer.state());
    }
    if (clock.shouldReport(evalNow || done === cfg.steps)) {
      const rate = clock.rate(done);
      sink.progress({
        phase, step: done, totalSteps: cfg.steps, globalStep, samplesSeen,
        stepsPerSecond: rate, etaSeconds: rate > 0 ? (cfg.steps - done) / rate : null, metrics: values,
      });
    }
  };

  try {
    // ---- NTP ----
    if (config.ntp.steps > 0 && resume?.phase !== 'rl' && !stopped()) {
      const cfg = config.ntp;
      // at least one example per replica
      const replicas = Math.min(opts.workers ?? 1, cfg.batchSize);
      const parallel = replicas > 1 ? await startParallel(replicas, model) : null;
      evalParallel = parallel;
      const trainer = new NtpTrainer(model, task, cfg, config.seed, resume?.phase === 'ntp' ? resume.trainer : null, parallel);
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
          await finishStep('ntp', done, cfg, clock, values, trainer);
          await yieldToEventLoop();
        }
      } finally {
        trainer.dispose();
        evalParallel = null;
        await parallel?.close();
      }
    }

    // ---- RL ----
    if (config.rl && config.rl.steps > 0 && !stopped()) {
      const cfg = config.rl;
      const resumeRl = resume?.phase === 'rl' ? resume : null;
      const ref = resumeRl?.ref ?? GPT.fromBytes(await model.toBytesAsync());
      // replicas share the rollouts and the update by whole prompt groups: at most one group each
      const replicas = Math.min(opts.workers ?? 1, cfg.promptsPerStep);
      const parallel = replicas > 1 ? await startParallel(replicas, model, ref) : null;
      evalParallel = parallel;
      const rlOpts = {
        maxNewTokens: cap,
        seed: config.seed,
        rolloutsToLog: Math.min(4, cfg.promptsPerStep * cfg.groupSize),
        restore: resumeRl?.trainer ?? null,
        parallel,
      };
      // STaR in rounds: each RL step is a round (star-rounds.ts), evaluated after every round
      const rounds = cfg.algorithm === 'star' && cfg.star.mode === 'rounds';
      const trainer = rounds
        ? new StarRounds(model, ref, task, cfg, { ...rlOpts, calibrationPrompts: heldOut.map((e) => e.prompt), signal })
        : new RlTrainer(model, ref, task, cfg, rlOpts);
      const schedule = rounds ? { ...cfg, evalEvery: 1 } : cfg;
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
          // RL's objective is a surrogate (or STaR's loss on kept samples), not NTP's cross-entropy: its own key.
          const { [METRIC.loss]: objective, ...rest } = r.metrics;
          const values: Record<string, number> = { ...rest, ...(objective === undefined ? {} : { [METRIC.rlLoss]: objective }), [METRIC.stepTimeMs]: performance.now() - t0 };
          if (r.rollouts.length) sink.samples(r.rollouts.map((s) => ({ ...s, phase: 'rl' as const, step: globalStep })));
          await finishStep('rl', done, schedule, clock, values, trainer);
          await yieldToEventLoop();
        }
      } finally {
        trainer.dispose();
        evalParallel = null;
        await parallel?.close();
        if (ref !== resumeRl?.ref) ref.dispose();
      }
    }
    return { status: 'completed', summary };
  } finally {
    if (ownModel) model.dispose();
  }
}

/** Global step of the checkpoint a branched run's RL started from (0 for a run with its own NTP). */
function branchStepOf(start: StartPoint): number {
  return start.initFrom === 'checkpoint' ? start.step : start.initFrom === 'resume' ? start.branchStep : 0;
}

/** Worker threads where they can start; else this thread alone (a packaged app may lack the worker's source). */
async function startParallel(replicas: number, model: GPT, ref: GPT | null = null): Promise<DataParallel | null> {
  try {
    return await DataParallel.start(replicas, model, ref);
  } catch (err) {
    process.stderr.write(`trainer: training on one thread: ${err instanceof Error ? err.message : String(err)}\n`);
    return null;
  }
}

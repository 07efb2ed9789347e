// Where training starts, decided in one place (nanoGPT's init_from):
//   scratch    - a freshly initialised model, NTP then RL;
//   checkpoint - RL from another run's stored checkpoint (config.rl.fromCheckpoint, ntp.steps = 0);
//   resume     - this run was interrupted: continue from its own newest checkpoint, with the
//                optimizer's moments and the data stream where they were.
// Everything after it is the same loop (experiment.ts).
import type { ExperimentConfig, TaskConfig } from '../../vocabulary/experiment-config';
import type { Phase } from '../../vocabulary/runs';
import { decodeTrainerState, type CheckpointMeta, type TrainerState } from '../model/checkpoint';
import { GPT } from '../model/model';

export type StartPoint =
  | { initFrom: 'scratch' }
  | {
      initFrom: 'checkpoint';
      /** Trained in place; disposeStartPoint frees it. */
      model: GPT;
      /** Global step and samples seen of the checkpoint: RL's steps continue from them. */
      step: number;
      samplesSeen: number;
    }
  | {
      initFrom: 'resume';
      phase: Phase;
      /** Global step of the checkpoint. */
      step: number;
      samplesSeen: number;
      /** Seconds since the run started, at the checkpoint (wall times continue from here). */
      wallTime: number;
      model: GPT;
      /** Inside RL: the model RL started from (the KL reference). */
      ref: GPT | null;
      /** For a run branched from a checkpoint: that checkpoint's global step (RL's step 0), else 0. */
      branchStep: number;
      /** The phase trainer's optimizer and data stream; null for checkpoints written without it. */
      trainer: TrainerState | null;
    };

export const SCRATCH: StartPoint = { initFrom: 'scratch' };

export interface StoredCheckpoint {
  id: number;
  phase: Phase;
  step: number;
  bytes: Uint8Array;
  meta: unknown;
}

/** The slice of the run store a start point is read from. */
export interface CheckpointSource {
  getCheckpoint(id: number): StoredCheckpoint | undefined;
  latestCheckpoint(runId: number): { id: number } | undefined;
  listCheckpoints(runId: number): { id: number; phase: Phase; step: number }[];
}

/** Reads the start point of run `runId` with this config from the store. */
export function loadStartPoint(store: CheckpointSource, runId: number, config: ExperimentConfig): StartPoint {
  const branchId = config.ntp.steps === 0 ? config.rl?.fromCheckpoint?.checkpointId : undefined;
  const branch = () => {
    const ckpt = branchId === undefined ? undefined : store.getCheckpoint(branchId);
    if (branchId !== undefined && !ckpt) throw new Error(`rl.fromCheckpoint: checkpoint ${branchId} not found in the run store`);
    return ckpt;
  };
  const latest = store.latestCheckpoint(runId);
  if (!latest) {
    const ckpt = branch();
    return ckpt ? fromCheckpoint(ckpt, config) : SCRATCH;
  }
  const own = store.getCheckpoint(latest.id)!;
  const meta = (own.meta ?? {}) as Partial<CheckpointMeta>;
  const model = GPT.fromBytes(own.bytes);
  let ref: GPT | null = null;
  try {
    const parent = branch();
    // RL's KL reference: the branch's parent checkpoint, or this run's last NTP checkpoint
    if (own.phase === 'rl') ref = GPT.fromBytes((parent ?? findNtpEnd(store, runId, config)).bytes);
    const trainer = decodeTrainerState(own.bytes, model.variableNames);
    return {
      initFrom: 'resume', phase: own.phase, step: own.step, samplesSeen: meta.samplesSeen ?? 0, wallTime: meta.wallTime ?? 0,
      model, ref, branchStep: parent?.step ?? 0, trainer,
    };
  } catch (err) {
    model.dispose();
    ref?.dispose();
    throw err;
  }
}

function findNtpEnd(store: CheckpointSource, runId: number, config: ExperimentConfig): StoredCheckpoint {
  const rlStart = config.ntp.steps;
  const info = store.listCheckpoints(runId).find((c) => c.phase === 'ntp' && c.step === rlStart);
  if (!info) throw new Error(`cannot resume run ${runId} inside RL: its NTP checkpoint at step ${rlStart} (RL's reference) is missing`);
  return store.getCheckpoint(info.id)!;
}

/** RL's start model from a stored checkpoint, refusing one trained on a different task. */
export function fromCheckpoint(ckpt: StoredCheckpoint, config: ExperimentConfig): StartPoint {
  const meta = (ckpt.meta ?? {}) as Partial<CheckpointMeta>;
  const trainedOn = meta.config?.task;
  if (trainedOn && !sameTaskShape(trainedOn, config.task)) {
    throw new Error(
      `checkpoint ${ckpt.id} was trained on ${JSON.stringify(trainedOn)}, which does not match task ${JSON.stringify(config.task)} (p_cot may differ, the rest may not)`,
    );
  }
  return { initFrom: 'checkpoint', model: GPT.fromBytes(ckpt.bytes), step: ckpt.step, samplesSeen: meta.samplesSeen ?? 0 };
}

function sameTaskShape(a: TaskConfig, b: TaskConfig): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'parity' && b.kind === 'parity') return a.d === b.d && JSON.stringify(a.chain) === JSON.stringify(b.chain);
  if (a.kind === 'multiplication' && b.kind === 'multiplication') return a.digits === b.digits;
  return false;
}

export function disposeStartPoint(p: StartPoint): void {
  if (p.initFrom === 'scratch') return;
  p.model.dispose();
  if (p.initFrom === 'resume') p.ref?.dispose();
}

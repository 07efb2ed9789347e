// Turns a stored checkpoint into RL's start model, refusing one trained on a different task.
import type { ExperimentConfig, TaskConfig } from '../../vocabulary/experiment-config';
import type { CheckpointMeta } from '../algorithms/experiment';
import { GPT } from './model';

export interface StoredCheckpoint {
  id: number;
  step: number;
  bytes: Uint8Array;
  meta: unknown;
}

export interface StartPoint {
  model: GPT;
  startStep: number;
  startSamplesSeen: number;
}

function sameTaskShape(a: TaskConfig, b: TaskConfig): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'parity' && b.kind === 'parity') return a.d === b.d && JSON.stringify(a.chain) === JSON.stringify(b.chain);
  if (a.kind === 'multiplication' && b.kind === 'multiplication') return a.digits === b.digits;
  return false;
}

export function startFromCheckpoint(ckpt: StoredCheckpoint, config: ExperimentConfig): StartPoint {
  const meta = (ckpt.meta ?? {}) as Partial<CheckpointMeta>;
  const trainedOn = meta.config?.task;
  if (trainedOn && !sameTaskShape(trainedOn, config.task)) {
    throw new Error(
      `checkpoint ${ckpt.id} was trained on ${JSON.stringify(trainedOn)}, which does not match task ${JSON.stringify(config.task)} (p_cot may differ, the rest may not)`,
    );
  }
  return { model: GPT.fromBytes(ckpt.bytes), startStep: ckpt.step, startSamplesSeen: meta.samplesSeen ?? 0 };
}

// What a checkpoint holds: the weights (model.ts's format), and for the phase that wrote it the
// trainer's state, its AdamW moments and its data stream's position, so that resuming continues
// the same optimisation instead of restarting the moments from zero (nanoGPT saves its optimizer too).
import type { ExperimentConfig } from '../../vocabulary/experiment-config';
import type { Phase } from '../../vocabulary/runs';
import { GPT, readCheckpointExtra, type GPTConfig } from './model';
import type { AdamWState } from './optim';

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

/** A phase trainer's state besides the weights. */
export interface TrainerState {
  optimizer: AdamWState;
  /** Position of the phase's data (NTP) or prompt (RL) stream. */
  rng: number;
}

interface StoredState {
  kind: 'adamw';
  t: number;
  rng: number;
}

/** Weights plus, when given, the trainer state of the phase that is saving. */
export async function encodeCheckpoint(model: GPT, state: TrainerState | null): Promise<Uint8Array> {
  if (!state) return model.toBytesAsync();
  const names = model.variableNames;
  const stored: StoredState = { kind: 'adamw', t: state.optimizer.t, rng: state.rng };
  return model.toBytesAsync({
    state: stored,
    tensors: [
      ...names.map((n, i) => ({ name: `adamw.m.${n}`, data: state.optimizer.m[i] })),
      ...names.map((n, i) => ({ name: `adamw.v.${n}`, data: state.optimizer.v[i] })),
    ],
  });
}

/** The trainer state saved with a checkpoint, or null for one that holds weights only. */
export function decodeTrainerState(bytes: Uint8Array, variableNames: readonly string[]): TrainerState | null {
  const extra = readCheckpointExtra(bytes);
  if (!extra) return null;
  const s = extra.state as Partial<StoredState>;
  if (s.kind !== 'adamw' || typeof s.t !== 'number' || typeof s.rng !== 'number') {
    throw new Error(`checkpoint carries an unknown trainer state ${JSON.stringify(extra.state)}`);
  }
  const moment = (which: 'm' | 'v') =>
    variableNames.map((n) => {
      const data = extra.tensors.get(`adamw.${which}.${n}`);
      if (!data) throw new Error(`checkpoint's optimizer state lacks adamw.${which}.${n}`);
      return data;
    });
  return { optimizer: { t: s.t, m: moment('m'), v: moment('v') }, rng: s.rng };
}

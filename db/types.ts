// Row and record shapes of the run store. Shared by the trainer (writer side), the backend
// (reader side) and the API contract, so it imports only the vocabulary.
import type { Phase, RunStatus, SampleKind } from '../vocabulary/runs';

export type { Phase, RunStatus, SampleKind };

/** One scalar measurement. `step` is the global optimizer step: RL steps continue after NTP's. */
export interface MetricRow {
  key: string;
  step: number;
  phase: Phase;
  value: number;
  /** Seconds since the run started. */
  wallTime: number;
  samplesSeen: number;
}

export interface SampleRow {
  phase: Phase;
  step: number;
  /** 'greedy' or 'sampled' evaluation, or 'rollout' for RL training samples. */
  kind: SampleKind;
  prompt: string;
  response: string;
  correct: boolean;
  length: number;
}

export interface CheckpointInput {
  phase: Phase;
  step: number;
  bytes: Uint8Array;
  /** Self-describing: model config, training config, step (JSON-serialisable). */
  meta: unknown;
}

export interface RuntimeInfo {
  backend: string;
  backendVersion: string;
  threads: number;
  pid: number;
}

/** The single writer for one run's data. Metric writes are buffered and flushed at least every second. */
export interface RunRecorder {
  markRunning(info: RuntimeInfo): void;
  metrics(rows: MetricRow[]): void;
  samples(rows: SampleRow[]): void;
  /** Stores the checkpoint immediately (flushing buffered metrics first); returns its id. */
  checkpoint(c: CheckpointInput): number;
  /** Flushes and sets the terminal status. */
  finish(status: Exclude<RunStatus, 'queued' | 'running'>, error?: string): void;
  flush(): void;
}

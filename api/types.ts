// Shapes the backend returns. Plain JSON (no Dates, no typed arrays) so that they cross IPC and
// HTTP unchanged.
import type { ExperimentConfig } from '../trainer/config';
import type { FieldError } from './contract';

export type RunStatus = 'queued' | 'running' | 'completed' | 'stopped' | 'failed' | 'interrupted';
export type Phase = 'ntp' | 'rl';
export type { ExperimentConfig };

export interface SystemInfo {
  appVersion: string;
  mode: 'electron' | 'browser';
  storePath: string;
  platform: string;
  arch: string;
  cpus: number;
  nodeVersion: string;
  electronVersion: string | null;
}

export interface BackendAvailability {
  name: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
  available: boolean;
  /** Package version where it loads. */
  version: string | null;
  /** Why it is (not) available, in one line. */
  note: string;
}

export interface Preset {
  name: string;
  title: string;
  description: string;
  /** Presets of one study share a group, so the compare view can show the study's figure. */
  group: string;
  config: ExperimentConfig;
}

export interface ConfigCheck {
  ok: boolean;
  errors: FieldError[];
  config: ExperimentConfig | null;
}

export interface RunProgress {
  phase: Phase;
  step: number;
  totalSteps: number;
}

export interface RunSummary {
  id: number;
  name: string;
  status: RunStatus;
  /** Milliseconds since the epoch. */
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  seed: number;
  groupKey: string;
  tags: string[];
  notes: string;
  backend: string | null;
  backendVersion: string | null;
  threads: number | null;
  parentRunId: number | null;
  parentCheckpointId: number | null;
  error: string | null;
  config: ExperimentConfig;
  progress: RunProgress | null;
  /** Last logged value per metric key. */
  last: Record<string, number>;
}

export interface MetricSummary {
  last: number;
  lastStep: number;
  min: number;
  max: number;
  /** Step of the best value (max for accuracies and rewards, min for losses). */
  bestStep: number;
  count: number;
}

export interface RunDetail extends RunSummary {
  metrics: Record<string, MetricSummary>;
  checkpoints: CheckpointSummary[];
}

export interface CheckpointSummary {
  id: number;
  runId: number;
  phase: Phase;
  step: number;
  createdAt: number;
  sizeBytes: number;
}

export interface SampleView {
  phase: Phase;
  step: number;
  kind: 'greedy' | 'sampled' | 'rollout';
  prompt: string;
  response: string;
  correct: boolean;
  length: number;
}

/** One run's metric, downsampled: each bucket keeps its mean (y) and its extremes. */
export interface MetricSeries {
  runId: number;
  key: string;
  x: number[];
  y: number[];
  min: number[];
  max: number[];
}

/** Seeds of one config aggregated per step. */
export interface GroupSeries {
  groupKey: string;
  runIds: number[];
  key: string;
  x: number[];
  mean: number[];
  min: number[];
  max: number[];
  std: number[];
}

export interface QueueState {
  concurrency: number;
  running: number[];
  queued: number[];
}

export interface ExportFile {
  filename: string;
  mimeType: string;
  content: string;
  /** Text unless said otherwise; binary files (PDF) travel as base64. */
  encoding?: 'utf8' | 'base64';
}

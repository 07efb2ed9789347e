// The app's words for runs: their statuses, phases and sample kinds (const tuples, from which the
// zod enums and the store's SQL CHECK constraints are built), and the plain-JSON shapes of a run, its
// metrics and its samples that the API returns and the charts and the report draw.
import type { ExperimentConfig } from './experiment-config';

export const RUN_STATUSES = ['queued', 'running', 'completed', 'stopped', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const PHASES = ['ntp', 'rl'] as const;
export type Phase = (typeof PHASES)[number];

export const SAMPLE_KINDS = ['greedy', 'sampled', 'rollout'] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

/** `'a', 'b'` — for SQL CHECK (x IN (...)) constraints built from the tuples above. */
export function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

export interface RunProgress {
  phase: Phase;
  step: number;
  totalSteps: number;
}

/** List replies carry at most this much of a run's notes (the full text comes with the run's detail). */
export const NOTES_PREVIEW_CHARS = 500;

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
  /** The full notes in a run's detail; in list replies at most NOTES_PREVIEW_CHARS of them. */
  notes: string;
  /** Set in list replies whose notes were cut to the preview. */
  notesTruncated?: boolean;
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
  /** Steps of the extremes, so a reader that judges "best" its own way reads the matching step. */
  minStep: number;
  maxStep: number;
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
  kind: SampleKind;
  prompt: string;
  response: string;
  correct: boolean;
  length: number;
}

/**
 * One run's metric, downsampled by the store: each bucket is drawn as its extremes, two points in
 * the order they were logged, so x/y already carry the spikes (shipped once, no min/max copies).
 */
export interface MetricSeries {
  runId: number;
  key: string;
  x: number[];
  y: number[];
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

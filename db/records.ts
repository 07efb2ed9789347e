// Shapes the store returns (reader side). Row shapes the trainer writes are in types.ts.
import type { Phase, RunStatus, SampleRow } from './types';
import type { KeySummary, XAxis } from './rollup';
import type { RunRow, StoredRunSummary } from '../vocabulary/run-records';

export type { KeySummary, XAxis, RunRow };

/** A run with the summaries of some metric keys (listRuns' `summaryKeys`). */
export type RunSummary = StoredRunSummary;

/** A run with every key's summary and its checkpoints. */
export interface RunDetail extends RunSummary {
  checkpoints: CheckpointInfo[];
}

export interface CheckpointInfo {
  id: number;
  runId: number;
  phase: Phase;
  step: number;
  createdAt: number;
  size: number;
}

export interface Checkpoint extends CheckpointInfo {
  bytes: Uint8Array;
  meta: unknown;
}

export interface SampleRecord extends SampleRow {
  id: number;
  runId: number;
}

export interface RunFilter {
  status?: RunStatus[];
  /** Runs carrying all of these tags. */
  tags?: string[];
  /** Case-insensitive substring of name, notes or tags; or an exact id or group key. */
  text?: string;
  /** Dotted config path equals value, e.g. {'task.p_cot': 0.25, 'rl.algorithm': 'grpo'}. */
  config?: Record<string, string | number | boolean>;
  parentRunId?: number;
  groupKey?: string;
  limit?: number;
  offset?: number;
  /** Keys whose summaries to attach; default HEADLINE_KEYS; 'all' for every key. */
  summaryKeys?: string[] | 'all';
  /** Default 'id-desc' (newest first). */
  order?: 'id-desc' | 'id-asc';
}

/**
 * One downsampled series as parallel arrays. When `downsampled`, each bucket contributes its
 * min and its max point in step order (one point if they are the same), so at most maxPoints
 * points and every spike survives. NaN values are left out.
 */
export interface Series {
  runId: number;
  key: string;
  x: number[];
  y: number[];
  downsampled: boolean;
  /** Number of raw points stored. */
  count: number;
  rlStartStep: number | null;
}

export interface SeriesQuery {
  runIds: number[];
  keys: string[];
  maxPoints: number;
  x?: XAxis;
}

/**
 * A key aggregated across the runs of a seed group. x is the step (exact steps when all fit in
 * maxPoints, else bucket centres over equal step buckets); at each x: mean, min, max and
 * population std of the runs' values (each run's bucket mean when downsampled); n runs present.
 */
export interface GroupSeries {
  key: string;
  runIds: number[];
  x: number[];
  mean: number[];
  min: number[];
  max: number[];
  std: number[];
  n: number[];
  downsampled: boolean;
}

export type GroupSeriesQuery = ({ groupKey: string } | { runIds: number[] }) & { keys: string[]; maxPoints: number };

export interface CreateRunInput {
  name: string;
  config: unknown;
  seed: number;
  groupKey: string;
  parentRunId?: number | null;
  parentCheckpointId?: number | null;
  tags?: string[];
  notes?: string;
}

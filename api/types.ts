// Shapes the backend returns. Plain JSON (no Dates, no typed arrays) so that they cross IPC and
// HTTP unchanged.
import type { ExperimentConfig } from '../vocabulary/experiment-config';
import type { CheckpointSummary, GroupSeries, MetricSeries, MetricSummary, Phase, RunDetail, RunProgress, RunStatus, RunSummary, SampleKind, SampleView } from '../vocabulary/runs';
import type { FieldError } from './contract';

export type { ExperimentConfig };
export type { CheckpointSummary, GroupSeries, MetricSeries, MetricSummary, Phase, RunDetail, RunProgress, RunStatus, RunSummary, SampleKind, SampleView };

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

/** A Slurm job folder's tasks as the cluster and their own stores see them (slurm/status). */
export interface SlurmJobView {
  job: string;
  finished: boolean;
  tasks: {
    index: number;
    key: string;
    name: string;
    slurmId: string | null;
    /** Slurm's state (PENDING, RUNNING, COMPLETED, CANCELLED...) and, for one that ended badly, why. */
    slurmState: string | null;
    reason: string | null;
    runStatus: string | null;
    lastStep: number | null;
    totalSteps: number | null;
    /** The run in this store once collected. */
    localRunId: number | null;
    phase: 'waiting' | 'running' | 'collected' | 'failed' | 'unknown';
  }[];
}

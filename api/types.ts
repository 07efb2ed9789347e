// Shapes the backend returns. Plain JSON (no Dates, no typed arrays) so that they cross IPC and
// HTTP unchanged.
import type { ExperimentConfig } from '../vocabulary/experiment-config';
import type { CheckReport, StoredRunSummary } from '../vocabulary/run-records';
import type { CheckpointSummary, GroupSeries, MetricSeries, MetricSummary, Phase, RunDetail, RunProgress, RunStatus, RunSummary, SampleKind, SampleView } from '../vocabulary/runs';

export type { ExperimentConfig };
export type { StoredRunSummary };
export type StoreCheckReport = CheckReport;

export interface SlurmCollectResult {
  /** Newly collected, with their run ids in this store. */
  collected: { index: number; key: string; runId: number; status: string }[];
  /** Collected before (nothing added). */
  already: number;
  /** Still waiting or running on the cluster. */
  pending: number;
}
export type { CheckpointSummary, GroupSeries, MetricSeries, MetricSummary, Phase, RunDetail, RunProgress, RunStatus, RunSummary, SampleKind, SampleView };

export interface SystemInfo {
  appVersion: string;
  mode: 'electron' | 'browser' | 'cli';
  storePath: string;
  platform: string;
  arch: string;
  cpus: number;
  nodeVersion: string;
  electronVersion: string | null;
}

export interface BackendAvailability {
  name: 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';
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

export interface FieldError {
  /** Dotted path into the input, e.g. `task.p_cot`. */
  path: string;
  message: string;
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

/** Final evaluation of each phase of a run, as its trainer reports it. */
export interface PhaseSummary {
  greedyAccuracy: number;
  sampledAccuracy: number;
  medianGreedyLength: number;
  sampledLongShare: number;
}
export interface ExperimentSummary {
  ntp: PhaseSummary | null;
  rl: PhaseSummary | null;
}

/** One submitted run graph's runs by state. `waiting`: queued (for a core, or for a parent's checkpoint). */
export interface GraphProgress {
  graphId: number;
  total: number;
  done: number;
  running: number;
  waiting: number;
  /** Failed, stopped or interrupted. */
  failed: number;
  /** Seconds until every run has ended, from the pace so far; null before the first run ends. */
  etaSeconds: number | null;
  /** True once every run has ended, or the graph was stopped and nothing of it runs any more. */
  settled: boolean;
  stopped: boolean;
}

export interface GraphRunRef {
  key: string;
  runId: number;
  /** A run of an earlier submission with the same config (and parent and step) that this graph uses. */
  reused: boolean;
}

/** A Slurm job folder's tasks as the cluster and their own stores see them (slurm/status). */
export interface SlurmJobView {
  /** The folder's name (under the jobs folder) or, asked by `dir`, its path. */
  job: string;
  /** The name the job was submitted under. */
  name: string;
  finished: boolean;
  tasks: {
    index: number;
    key: string;
    name: string;
    slurmId: string | null;
    /** Slurm's state (PENDING, RUNNING, COMPLETED, CANCELLED...) and, for one that ended badly, why. */
    slurmState: string | null;
    /** The node Slurm runs (ran) it on. */
    node: string | null;
    reason: string | null;
    runStatus: string | null;
    lastStep: number | null;
    totalSteps: number | null;
    /** The run in this store once collected. */
    localRunId: number | null;
    phase: 'waiting' | 'running' | 'collected' | 'failed' | 'unknown';
  }[];
}

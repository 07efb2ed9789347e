// The store's own records, unabridged: what `workbench list --json` prints and `workbench check`
// reports. The API's trimmed shapes (runs.ts) are built from these by the backend.
import type { RunStatus } from './runs';

/** One metric key of one run: counts, first/last step and value, extremes. */
export interface KeySummary {
  count: number;
  firstStep: number;
  lastStep: number;
  lastValue: number | null;
  min: number | null;
  minStep: number | null;
  max: number | null;
  maxStep: number | null;
}

export interface RunRow {
  id: number;
  name: string;
  status: RunStatus;
  /** ms since epoch */
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  config: unknown;
  seed: number;
  groupKey: string;
  backend: string | null;
  backendVersion: string | null;
  threads: number | null;
  pid: number | null;
  host: string | null;
  parentRunId: number | null;
  parentCheckpointId: number | null;
  tags: string[];
  notes: string;
  error: string | null;
  /** Progress as of the last flush: highest step logged, samples seen and seconds since start. */
  lastStep: number | null;
  samplesSeen: number | null;
  wallTime: number | null;
  /** First step logged in the RL phase (the phase marker), null for NTP-only runs. */
  rlStartStep: number | null;
  /** Bumped on every change to the run's row (progress, status, summary flushes). */
  rev: number;
}

/** A run with the summaries of some metric keys (the store's listRuns). */
export interface StoredRunSummary extends RunRow {
  metrics: Record<string, KeySummary>;
}

/** `workbench check`: what can be wrong with a store file, found without changing it. */
export interface CheckFinding {
  /** 'problem' makes the store unhealthy; 'note' is worth knowing but harmless. */
  severity: 'problem' | 'note';
  what: string;
}

export interface CheckReport {
  file: string;
  healthy: boolean;
  runs: number;
  findings: CheckFinding[];
  backups: string[];
}

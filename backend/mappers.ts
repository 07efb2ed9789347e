// From the store's records to the API's shapes: the API promises plain, UI-ready JSON.
import type { RunSummary as StoreRunSummary, RunDetail as StoreRunDetail, Series, GroupSeries as StoreGroupSeries, KeySummary } from '../db';
import type { GroupSeries, MetricSeries, MetricSummary, RunDetail, RunProgress, RunSummary, ExperimentConfig } from '../api/types';
import { bestOf } from '../db';
import { NOTES_PREVIEW_CHARS } from '../vocabulary/runs';

function progressOf(run: StoreRunSummary): RunProgress | null {
  const config = run.config as ExperimentConfig | null;
  if (!config || run.lastStep === null) return null;
  const ntpSteps = config.ntp?.steps ?? 0;
  const rlSteps = config.rl?.steps ?? 0;
  if (run.rlStartStep !== null && run.lastStep >= run.rlStartStep) {
    return { phase: 'rl', step: Math.min(run.lastStep - run.rlStartStep + 1, rlSteps), totalSteps: rlSteps };
  }
  return { phase: 'ntp', step: Math.min(run.lastStep, ntpSteps), totalSteps: ntpSteps };
}

function lastValues(metrics: Record<string, KeySummary>): Record<string, number> {
  const last: Record<string, number> = {};
  for (const [key, s] of Object.entries(metrics)) if (s.lastValue !== null) last[key] = s.lastValue;
  return last;
}

export function toRunSummary(run: StoreRunSummary): RunSummary {
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    seed: run.seed,
    groupKey: run.groupKey,
    tags: run.tags,
    notes: run.notes,
    backend: run.backend,
    backendVersion: run.backendVersion,
    threads: run.threads,
    parentRunId: run.parentRunId,
    parentCheckpointId: run.parentCheckpointId,
    error: run.error,
    config: run.config as ExperimentConfig,
    progress: progressOf(run),
    last: lastValues(run.metrics),
  };
}

function toMetricSummary(key: string, s: KeySummary): MetricSummary {
  const best = bestOf(key, s);
  return {
    last: s.lastValue ?? Number.NaN,
    lastStep: s.lastStep,
    min: s.min ?? Number.NaN,
    max: s.max ?? Number.NaN,
    bestStep: best?.step ?? s.lastStep,
    minStep: s.minStep ?? s.lastStep,
    maxStep: s.maxStep ?? s.lastStep,
    count: s.count,
  };
}

export function toRunDetail(run: StoreRunDetail): RunDetail {
  const metrics: Record<string, MetricSummary> = {};
  for (const [key, s] of Object.entries(run.metrics)) metrics[key] = toMetricSummary(key, s);
  return {
    ...toRunSummary(run),
    metrics,
    checkpoints: run.checkpoints.map((c) => ({ id: c.id, runId: c.runId, phase: c.phase, step: c.step, createdAt: c.createdAt, sizeBytes: c.size })),
  };
}

/** The store keeps each bucket's extremes as two points, so y already carries the spikes. */
export function toMetricSeries(s: Series): MetricSeries {
  return { runId: s.runId, key: s.key, x: s.x, y: s.y };
}

export function toGroupSeries(groupKey: string, g: StoreGroupSeries): GroupSeries {
  return { groupKey, runIds: g.runIds, key: g.key, x: g.x, mean: g.mean, min: g.min, max: g.max, std: g.std };
}

/** A list reply's run: its notes cut to NOTES_PREVIEW_CHARS, marked so the UI edits the full text. */
export function notesPreview(run: RunSummary): RunSummary {
  if (run.notes.length <= NOTES_PREVIEW_CHARS) return run;
  return { ...run, notes: run.notes.slice(0, NOTES_PREVIEW_CHARS), notesTruncated: true };
}

// Results come home: each finished task's run is exported from its own store and imported into
// the local store (the db's import path), with its planned name and tags, its group key, and its
// parent link re-pointed at the collected parent. Tasks Slurm failed, cancelled or timed out come
// home as failed runs carrying Slurm's reason. Every collected run is tagged with its task, so
// collecting twice adds nothing.
import fs from 'node:fs';
import path from 'node:path';
import type { RunStore } from '../db';
import { groupKey, type ExperimentConfig } from '../vocabulary/experiment-config';
import { readManifest, slurmTaskId, taskStorePath, type JobManifest, type JobTask } from './manifest';
import { isActive, isFailure, taskStates, type SlurmTaskState } from './slurm';
import { ownRun, withTaskStore } from './task-store';

/** Tag of the whole job on every collected run. */
export const jobTag = (manifest: JobManifest): string => `slurm:${manifest.id.slice(0, 8)}`;
/** Tag naming one task: how `collect` knows it was collected. */
export const taskTag = (manifest: JobManifest, task: JobTask): string => `slurm:${manifest.id.slice(0, 8)}/${task.index}`;

export type TaskPhase = 'waiting' | 'running' | 'collected' | 'failed' | 'unknown';

export interface TaskStatus {
  index: number;
  key: string;
  name: string;
  slurmId: string | null;
  slurm: SlurmTaskState | null;
  /** The task store's view: the run's status and its last step of `totalSteps`. */
  run: { status: string; lastStep: number | null; totalSteps: number; error: string | null } | null;
  /** Run id in the local store, once collected. */
  localRunId: number | null;
  phase: TaskPhase;
}

export interface JobStatus {
  dir: string;
  name: string;
  tasks: TaskStatus[];
  /** True when no task is waiting or running any more. */
  finished: boolean;
}

function totalSteps(config: ExperimentConfig): number {
  return config.ntp.steps + (config.rl?.steps ?? 0);
}

function collectedRunId(store: RunStore | null, manifest: JobManifest, task: JobTask): number | null {
  return store?.listRuns({ tags: [taskTag(manifest, task)], summaryKeys: [], order: 'id-asc' })[0]?.id ?? null;
}

/** Where each task stands: Slurm's state, the task store's progress, whether it is home. */
export function jobStatus(jobDir: string, local: RunStore | null, env?: NodeJS.ProcessEnv): JobStatus {
  const manifest = readManifest(jobDir);
  const jobIds = manifest.arrays.map((a) => a.jobId).filter((id): id is string => id !== null);
  const states = taskStates(jobIds, env);
  const tasks = manifest.tasks.map((task): TaskStatus => {
    const slurmId = slurmTaskId(manifest, task.index);
    const slurm = (slurmId && states.get(slurmId)) || null;
    let run: TaskStatus['run'] = null;
    try {
      run = withTaskStore(taskStorePath(jobDir, task), (store) => {
        const own = ownRun(store);
        return own ? { status: own.status, lastStep: own.lastStep, totalSteps: totalSteps(own.config as ExperimentConfig), error: own.error } : null;
      }) ?? null;
    } catch {
      // A store its task is writing may be briefly unreadable (locked, mid-migration): read it next time.
    }
    const localRunId = collectedRunId(local, manifest, task);
    let phase: TaskPhase;
    if (localRunId !== null) phase = 'collected';
    else if (run?.status === 'completed') phase = 'running'; // done, waiting to be collected
    else if (slurm && isFailure(slurm)) phase = 'failed';
    else if (slurm && isActive(slurm)) phase = slurm.state === 'PENDING' ? 'waiting' : 'running';
    else phase = 'unknown';
    return { index: task.index, key: task.key, name: task.name, slurmId, slurm, run, localRunId, phase };
  });
  const finished = tasks.every((t) => t.phase === 'collected' || t.phase === 'failed' || (t.phase === 'running' && t.run?.status === 'completed'));
  return { dir: jobDir, name: manifest.name, tasks, finished };
}

export interface CollectResult {
  /** Newly collected, with their local run ids. */
  collected: { index: number; key: string; runId: number; status: string }[];
  /** Collected before (nothing added). */
  already: number;
  /** Still waiting or running on the cluster. */
  pending: number;
}

/** Imports what has finished; returns what it did. Safe to call again and again. */
export function collectJob(jobDir: string, local: RunStore, env?: NodeJS.ProcessEnv): CollectResult {
  const manifest = readManifest(jobDir);
  const status = jobStatus(jobDir, local, env);
  const result: CollectResult = { collected: [], already: 0, pending: 0 };
  // Tasks are in dependency order: a parent is home before its branches are linked to it.
  for (const task of manifest.tasks) {
    const st = status.tasks[task.index]!;
    if (collectedRunId(local, manifest, task) !== null) {
      result.already += 1;
      continue;
    }
    const completed = st.run?.status === 'completed';
    const slurmFailed = st.slurm !== null && isFailure(st.slurm);
    // A run the store says ended badly, in a task Slurm no longer runs, is also home to stay.
    const runEnded = st.run !== null && ['failed', 'stopped', 'interrupted'].includes(st.run.status) && !(st.slurm && isActive(st.slurm));
    if (!completed && !slurmFailed && !runEnded) {
      result.pending += 1;
      continue;
    }
    const failure = completed ? null : [st.run?.error, st.slurm?.reason].filter(Boolean).join('; ') || `run ${st.run?.status ?? 'never started'}`;
    const runId = importTask(jobDir, local, manifest, task, failure);
    result.collected.push({ index: task.index, key: task.key, runId, status: local.getRun(runId)!.status });
  }
  return result;
}

function importTask(jobDir: string, local: RunStore, manifest: JobManifest, task: JobTask, failure: string | null): number {
  const tags = [...new Set([...task.tags, jobTag(manifest), taskTag(manifest, task)])];
  const parentTask = task.branch ? manifest.tasks[task.branch.parent]! : null;
  const parentId = parentTask ? collectedRunId(local, manifest, parentTask) : null;
  const parentCheckpoint = parentId === null ? undefined : local.listCheckpoints(parentId).find((c) => c.phase === 'ntp' && c.step === task.branch!.step);

  const bundle = withTaskStore(taskStorePath(jobDir, task), (store) => {
    const own = ownRun(store);
    return own ? store.exportRuns([own.id], { checkpoints: true }) : undefined;
  });
  let runId: number;
  if (bundle) {
    const run = bundle.runs[0]!;
    const config = run.config as ExperimentConfig;
    if (config.rl?.fromCheckpoint && parentId !== null && parentCheckpoint) {
      // The task's config names its own store's copy of the parent: point it at the one here.
      config.rl.fromCheckpoint = { runId: parentId, checkpointId: parentCheckpoint.id };
    }
    run.name = task.name;
    run.tags = tags;
    run.groupKey = groupKey(config, task.branch?.step ?? null);
    run.parentRunId = null;
    run.parentCheckpointId = null;
    if (failure !== null) {
      run.status = 'failed';
      run.error = failure;
    }
    runId = local.importBundle(bundle)[0]!;
  } else {
    // Slurm ended the task before it made a run (cancelled while pending, a parent that failed):
    // it comes home as a failed run with its planned config and Slurm's reason.
    const planned = readPlanned(jobDir, task);
    runId = local.createRun({ name: task.name, config: planned, seed: planned.seed, groupKey: groupKey(planned, task.branch?.step ?? null), tags });
    local.setStatus(runId, 'failed', failure ?? 'no run recorded');
  }
  if (parentId !== null) local.setParent(runId, parentId, parentCheckpoint?.id ?? null);
  return runId;
}

function readPlanned(jobDir: string, task: JobTask): ExperimentConfig {
  return JSON.parse(fs.readFileSync(path.join(jobDir, task.dir, 'planned.json'), 'utf8')) as ExperimentConfig;
}

// Runs a submitted run graph through the service's queue. Roots are queued at once; an RL branch
// waits (queued, with the parent's NTP step recorded in the store) until its parent completed,
// then gets `rl.fromCheckpoint` filled in from the parent's checkpoint at that step and joins the
// queue. A parent that fails, stops or is interrupted fails its waiting dependants with the reason,
// unless the graph itself was stopped: then the rest stay queued, for a rerun to pick up. Runs that
// another process claimed are watched in the store until they end.
import type { RunStatus } from '../api/types';
import type { GraphProgress, GraphRunRef } from '../api/types';
import { ApiError, type FieldError } from '../api/contract';
import {
  branchStep, createBranchRun, pendingBranches, startBranch, type RunStore,
} from '../db';
import { setPath } from '../vocabulary/config-paths';
import { groupKey, validateConfig, type ExperimentConfig } from '../vocabulary/experiment-config';
import { checkRunGraph, type PlannedRun, type RunGraph } from '../vocabulary/run-graph';
import { checkpointSteps } from '../paper/studies';
import type { EventHub } from './event-hub';
import type { RunQueue } from './run-queue';
import type { TrainerPool } from './trainer-pool';

const ENDED: readonly RunStatus[] = ['completed', 'failed', 'stopped', 'interrupted'];
const UNSUCCESSFUL: readonly RunStatus[] = ['failed', 'stopped', 'interrupted'];

/** A graph as it arrives over the API: configs not yet validated. */
export interface GraphInput {
  runs: (Omit<PlannedRun, 'config'> & { config: unknown })[];
}

interface GraphState {
  id: number;
  runIds: number[];
  /** Runs that had already ended when the graph was submitted (reused): not part of the pace. */
  endedAtSubmit: number;
  submittedAt: number;
  stopped: boolean;
  lastEmitted: string;
}

export interface GraphRunnerOptions {
  store: RunStore;
  hub: EventHub;
  queue: RunQueue;
  trainers: TrainerPool;
  /** How often runs waiting on other processes are looked up in the store. */
  pollMs?: number;
}

/** What makes two planned runs the same run: the config without its start checkpoint, the parent run and the step. */
function identity(config: unknown, parentRunId: number | null, step: number | null): string {
  const c = config as ExperimentConfig;
  const rl = c.rl ? { ...c.rl, fromCheckpoint: undefined } : c.rl;
  return JSON.stringify([{ ...c, rl }, parentRunId, step]);
}

export class GraphRunner {
  private readonly graphs = new Map<number, GraphState>();
  private nextGraphId = 1;
  /** Queued branches this service waits on: run id -> parent run id. */
  private readonly held = new Map<number, number | null>();
  /** Runs of ours that another process claimed; watched until they end. */
  private readonly elsewhere = new Set<number>();
  private readonly lastSeen = new Map<number, RunStatus>();
  private timer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;

  constructor(private readonly o: GraphRunnerOptions) {
    this.unsubscribe = o.hub.subscribe((event) => {
      if (event.type === 'run/status') this.onStatus(event.runId, event.status);
    });
  }

  /** Takes on the store's waiting branches (an earlier session's graph): they start when their parents complete. */
  adoptPendingBranches(): void {
    for (const b of pendingBranches(this.o.store)) this.held.set(b.runId, b.parentRunId);
    this.check();
  }

  /** The launcher could not claim `runId`: another process trains it. */
  claimedElsewhere(runId: number): void {
    // Watched until it ends; one that already ended is reported by the next check at once.
    if (this.o.store.getRun(runId)) this.elsewhere.add(runId);
    this.check();
  }

  submit(input: GraphInput, reuseTag?: string): { graphId: number; runs: GraphRunRef[] } {
    const { store } = this.o;
    const graph = validateRunGraph(input);
    const byKey = new Map(graph.runs.map((r) => [r.key, r]));
    const candidates = new Map<string, number>();
    if (reuseTag) {
      // Oldest first, so the newest run of an identity wins.
      for (const r of store.listRuns({ tags: [reuseTag], order: 'id-asc', summaryKeys: [] })) {
        if (r.status === 'failed') continue;
        candidates.set(identity(r.config, r.parentRunId, r.parentRunId === null ? null : branchStep(store, r.id)), r.id);
      }
    }
    const refs = new Map<string, GraphRunRef>();
    const toQueue: number[] = [];
    const place = (run: PlannedRun): number => {
      const known = refs.get(run.key);
      if (known) return known.runId;
      const parentId = run.branch ? place(byKey.get(run.branch.from)!) : null;
      const step = run.branch?.step ?? null;
      const reusedId = candidates.get(identity(run.config, parentId, step));
      let runId: number;
      if (reusedId !== undefined) {
        runId = reusedId;
        const row = store.getRun(runId)!;
        store.updateRun(runId, { tags: [...new Set([...row.tags, ...run.tags])] });
        if (row.status === 'interrupted' || row.status === 'stopped') store.prepareResume(runId);
        const now = store.getRun(runId)!;
        if (now.status === 'running' && !this.o.trainers.isRunning(runId)) this.elsewhere.add(runId);
        else if (now.status === 'queued') {
          if (pendingBranches(store, [runId]).length) this.held.set(runId, parentId);
          else toQueue.push(runId);
        }
      } else if (run.branch && parentId !== null) {
        runId = createBranchRun(store, { name: run.name, config: run.config, seed: run.config.seed, groupKey: groupKey(run.config, step), tags: run.tags, parentRunId: parentId }, run.branch.step);
        this.held.set(runId, parentId);
        this.o.hub.emit({ type: 'run/status', runId, status: 'queued', error: null });
      } else {
        runId = store.createRun({ name: run.name, config: run.config, seed: run.config.seed, groupKey: groupKey(run.config), tags: run.tags });
        toQueue.push(runId);
        this.o.hub.emit({ type: 'run/status', runId, status: 'queued', error: null });
      }
      refs.set(run.key, { key: run.key, runId, reused: reusedId !== undefined });
      return runId;
    };
    store.db.transaction(() => {
      for (const run of graph.runs) place(run);
    })();

    const runIds = graph.runs.map((r) => refs.get(r.key)!.runId);
    const state: GraphState = {
      id: this.nextGraphId++,
      runIds: [...new Set(runIds)],
      endedAtSubmit: 0,
      submittedAt: Date.now(),
      stopped: false,
      lastEmitted: '',
    };
    state.endedAtSubmit = state.runIds.filter((id) => ENDED.includes(store.getRun(id)!.status)).length;
    this.graphs.set(state.id, state);
    this.o.queue.enqueue(...toQueue);
    this.check();
    this.emitProgress(state, true);
    return { graphId: state.id, runs: graph.runs.map((r) => refs.get(r.key)!) };
  }

  /** Stops a graph cleanly: nothing more of it starts, its running trainers stop, waiting runs stay queued. */
  stop(graphId: number): GraphProgress {
    const state = this.requireGraph(graphId);
    state.stopped = true;
    for (const id of state.runIds) {
      this.held.delete(id);
      this.o.queue.remove(id);
      this.o.trainers.stop(id);
    }
    this.emitProgress(state, true);
    return this.progress(state);
  }

  get(graphId: number): GraphProgress {
    return this.progress(this.requireGraph(graphId));
  }

  close(): void {
    this.unsubscribe();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  // ---- internals ----

  private requireGraph(graphId: number): GraphState {
    const state = this.graphs.get(graphId);
    if (!state) throw new ApiError('not-found', `no run graph with id ${graphId} in this session`);
    return state;
  }

  private onStatus(runId: number, status: RunStatus): void {
    if (this.lastSeen.get(runId) === status) return;
    this.lastSeen.set(runId, status);
    this.check();
    for (const state of this.graphs.values()) if (state.runIds.includes(runId)) this.emitProgress(state);
  }

  private stoppedGraphHolds(runId: number): boolean {
    for (const g of this.graphs.values()) if (g.stopped && g.runIds.includes(runId)) return true;
    return false;
  }

  /** Releases branches whose parents completed, fails those whose parents did not, and looks up runs other processes train. */
  private check(): void {
    const { store, hub } = this.o;
    let changed = true;
    while (changed) {
      changed = false;
      for (const [runId, parentId] of [...this.held]) {
        const run = store.getRun(runId);
        if (!run || run.status !== 'queued') {
          this.held.delete(runId);
          continue;
        }
        const parent = parentId === null ? undefined : store.getRun(parentId);
        if (parent && !ENDED.includes(parent.status)) continue;
        this.held.delete(runId);
        if (this.stoppedGraphHolds(runId)) continue;
        const fail = (reason: string) => {
          store.setStatus(runId, 'failed', reason);
          hub.emit({ type: 'run/status', runId, status: 'failed', error: reason });
          changed = true;
        };
        if (!parent) {
          fail(`its parent run ${parentId ?? '?'} no longer exists`);
          continue;
        }
        if (UNSUCCESSFUL.includes(parent.status)) {
          fail(`parent run ${parent.id} ${parent.status}${parent.error ? `: ${parent.error}` : ''}`);
          continue;
        }
        const step = branchStep(store, runId);
        const checkpoint = store.listCheckpoints(parent.id).find((c) => c.phase === 'ntp' && c.step === step);
        if (!checkpoint) {
          fail(`parent run ${parent.id} has no NTP checkpoint at step ${step}`);
          continue;
        }
        const config = setPath(run.config, 'rl.fromCheckpoint', { runId: parent.id, checkpointId: checkpoint.id });
        const checked = validateConfig(config);
        if (!checked.ok) {
          fail(`invalid branch config: ${checked.errors.map((e) => e.message).join('; ')}`);
          continue;
        }
        // Another process may have released it first; either way it is now ready to claim.
        startBranch(store, runId, { config: checked.config, checkpointId: checkpoint.id, groupKey: groupKey(checked.config, checkpoint.step) });
        this.o.queue.enqueue(runId);
      }
    }
    for (const runId of [...this.elsewhere]) {
      const run = store.getRun(runId);
      const status = run?.status ?? 'failed';
      if (status === 'running') continue;
      this.elsewhere.delete(runId);
      // Interrupted elsewhere and queued again (resumed): ours to take once more.
      if (status === 'queued') this.o.queue.enqueue(runId);
      if (this.lastSeen.get(runId) !== status) hub.emit({ type: 'run/status', runId, status, error: run?.error ?? null });
    }
    this.schedule();
  }

  /** Polls only while something depends on another process (a parent or a claim it holds). */
  private schedule(): void {
    const needed = this.elsewhere.size > 0 || [...this.held.values()].some((p) => p !== null && this.runsElsewhere(p));
    if (needed && !this.timer) {
      this.timer = setInterval(() => {
        this.check();
        for (const state of this.graphs.values()) this.emitProgress(state);
      }, this.o.pollMs ?? 1000);
      // Not unref'd: a CLI whose remaining runs another process trains has nothing else keeping it
      // alive while it waits (it exited 13, the graph unsettled). close() clears the timer.
    } else if (!needed && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private runsElsewhere(runId: number): boolean {
    if (this.o.trainers.isRunning(runId) || this.o.queue.has(runId) || this.held.has(runId)) return false;
    const run = this.o.store.getRun(runId);
    return run !== undefined && !ENDED.includes(run.status);
  }

  private progress(state: GraphState): GraphProgress {
    const counts = { done: 0, running: 0, waiting: 0, failed: 0 };
    for (const id of state.runIds) {
      const status = this.o.store.getRun(id)?.status ?? 'failed';
      if (status === 'completed') counts.done += 1;
      else if (status === 'running') counts.running += 1;
      else if (status === 'queued') counts.waiting += 1;
      else counts.failed += 1;
    }
    const total = state.runIds.length;
    const ended = counts.done + counts.failed;
    const endedHere = ended - state.endedAtSubmit;
    const settled = counts.running === 0 && (counts.waiting === 0 || state.stopped);
    const elapsed = (Date.now() - state.submittedAt) / 1000;
    const etaSeconds = settled ? 0 : endedHere > 0 ? (elapsed / endedHere) * (total - ended) : null;
    return { graphId: state.id, total, ...counts, etaSeconds, settled, stopped: state.stopped };
  }

  private emitProgress(state: GraphState, force = false): void {
    // A run another process ended is reported before the progress that counts it.
    for (const id of state.runIds) {
      const run = this.o.store.getRun(id);
      if (run && ENDED.includes(run.status) && this.lastSeen.get(id) !== run.status && !this.o.trainers.isRunning(id)) {
        this.lastSeen.set(id, run.status);
        this.o.hub.emit({ type: 'run/status', runId: id, status: run.status, error: run.error });
      }
    }
    const progress = this.progress(state);
    const signature = JSON.stringify({ ...progress, etaSeconds: null });
    if (!force && signature === state.lastEmitted) return;
    state.lastEmitted = signature;
    this.o.hub.emit({ type: 'graph/progress', progress });
  }
}

/** Configs validated (every error, labelled by run key) and the graph's shape checked, before anything is written (here or in a Slurm job folder). */
export function validateRunGraph(input: GraphInput): RunGraph {
  const problems = checkRunGraph(input as RunGraph);
  if (problems.length) throw new ApiError('bad-request', `invalid run graph: ${problems.join('; ')}`, problems.map((message) => ({ path: 'runs', message })));
  const errors: FieldError[] = [];
  const runs: PlannedRun[] = [];
  input.runs.forEach((run, i) => {
    const checked = validateConfig(run.config);
    if (!checked.ok) for (const e of checked.errors) errors.push({ path: `runs.${i}.config.${e.path}`, message: `${e.message} (in ${run.key})` });
    else runs.push({ ...run, config: checked.config });
  });
  if (errors.length) throw new ApiError('invalid-config', `invalid config: ${errors.map((e) => e.message).join('; ')}`, errors);
  const byKey = new Map(runs.map((r) => [r.key, r]));
  runs.forEach((run, i) => {
    if (!run.branch) return;
    const parent = byKey.get(run.branch.from)!;
    if (!checkpointSteps(parent.config.ntp).includes(run.branch.step)) {
      errors.push({ path: `runs.${i}.branch.step`, message: `run '${run.key}' branches from step ${run.branch.step} of '${parent.key}', which saves NTP checkpoints only at steps ${checkpointSteps(parent.config.ntp).join(', ')}` });
    }
    if (!run.config.rl) errors.push({ path: `runs.${i}.config.rl`, message: `branch '${run.key}' has no RL section to run from the checkpoint` });
  });
  if (errors.length) throw new ApiError('bad-request', `invalid run graph: ${errors.map((e) => e.message).join('; ')}`, errors);
  return { runs };
}

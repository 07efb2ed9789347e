// The CLI's application layer is the WorkbenchService, in-process (as `serve` uses it): commands
// submit runs and run graphs through its typed client and follow its events. This module adds
// what a terminal needs: a progress bar for a lone run, one status line for a graph, and Ctrl-C
// handled once (the first stops the graph cleanly, the second kills the command).
import os from 'node:os';
import { createWorkbench, type WorkbenchApi } from '../api/client';
import type { WorkbenchEvent } from '../api/events';
import type { GraphProgress, GraphRunRef, PhaseSummary, RunDetail, RunStatus } from '../api/types';
import type { PlannedRun } from '../vocabulary/run-graph';
import { createWorkbenchService, type StoreAccess, type WorkbenchService } from '../backend/service';
import { startServer } from '../backend/http-server';
import { CoreBudget } from '../backend/core-budget';
import { formatDuration, ProgressBar } from './progress';
import { appVersion } from './version';

/** What the commands need of the layers below, through this one door. */
export { defaultStorePath } from '../backend/service';
export { StoreError } from '../db';

/** The cores this process's runs share (WORKBENCH_CORES or every core), for reports. */
export function coreBudgetTotal(): number {
  return new CoreBudget().total;
}
export type { StoreAccess };

type RunStatusEvent = Extract<WorkbenchEvent, { type: 'run/status' }>;

/** A command that trains nothing (list, export, import, check, collect, slurm): the service's client, nothing more. */
export interface StoreSession {
  readonly api: WorkbenchApi;
  close(): Promise<void>;
}

/**
 * Opens the service over `storePath` for a command that trains nothing. 'read' never creates,
 * migrates or changes the file (and refuses a damaged one); 'none' opens no store (checking a
 * file, an import, a Slurm folder). The store's own errors (missing, damaged, not writable) are
 * thrown as they are, naming the file.
 */
export async function openStoreSession(storePath: string, access: StoreAccess, command: string): Promise<StoreSession> {
  const service = await createWorkbenchService({ storePath, mode: 'cli', access, adoptQueued: false, concurrency: 0, claimant: command, appVersion: appVersion() });
  const api = createWorkbench({ invoke: (method, input) => service.call(method, input), subscribe: (l) => service.subscribe(l) });
  return { api, close: () => service.close() };
}

/** `workbench serve`: the app's service over the store, behind the browser-mode HTTP server on 127.0.0.1. */
export async function startBrowserMode(o: { storePath: string; staticDir: string; port: number; token?: string }): Promise<{ launchUrl: string; storePath: string; close(): Promise<void> }> {
  const service = await createWorkbenchService({ storePath: o.storePath, mode: 'browser', claimant: 'workbench serve', appVersion: appVersion() });
  const server = await startServer({ backend: service, staticDir: o.staticDir, port: o.port, token: o.token });
  return {
    launchUrl: server.launchUrl,
    storePath: service.storePath,
    async close() {
      await server.close();
      await service.close();
    },
  };
}

/** Runs `body` with a session and closes it, also when `body` throws. */
export async function withStoreSession<T>(storePath: string, access: StoreAccess, command: string, body: (api: WorkbenchApi) => Promise<T>): Promise<T> {
  const session = await openStoreSession(storePath, access, command);
  try {
    return await body(session.api);
  } finally {
    await session.close();
  }
}

export interface SessionOptions {
  storePath: string;
  /** The command, recorded as the claimant of every run it trains (e.g. `workbench sweep`). */
  command: string;
  /** False: queue only (nothing trains here). */
  train: boolean;
  /** Finishes the Ctrl-C message, e.g. "the rest stay queued". */
  whatHappensNext: string;
  /** Runs trained at once (`--concurrency`); default: as many as the core budget gives a core each. */
  concurrency?: number;
}

export interface GraphHooks {
  /** The graph was accepted: each planned key's run id (and whether it reuses an earlier run), before any of them starts. */
  onSubmitted?(runs: GraphRunRef[]): void;
  /** A run of the graph started training (here or in another process). */
  onStart?(runId: number): void;
  /** A run of the graph ended; `final` when a trainer of this process ended it. */
  onEnd?(event: RunStatusEvent): void;
}

const ENDED: readonly RunStatus[] = ['completed', 'failed', 'stopped', 'interrupted'];

export function formatGraphProgress(p: GraphProgress): string {
  const eta = p.etaSeconds === null || p.settled ? '' : `, ETA ${formatDuration(p.etaSeconds)}`;
  return `graph: ${p.done}/${p.total} done, ${p.running} running, ${p.waiting} waiting, ${p.failed} failed${eta}`;
}

export class ServiceSession {
  /** True once the user pressed Ctrl-C. */
  stopped = false;
  readonly api: WorkbenchApi;
  private graphId: number | null = null;
  private readonly onSigint = () => {
    this.stopped = true;
    process.stderr.write(`\nstopping after the current step; ${this.options.whatHappensNext} (Ctrl-C again to kill)...\n`);
    if (this.graphId !== null) void this.api.graph.stop({ graphId: this.graphId }).catch(() => undefined);
    process.once('SIGINT', () => process.exit(130));
  };

  private constructor(
    private readonly service: WorkbenchService,
    private readonly options: SessionOptions,
  ) {
    this.api = createWorkbench({ invoke: (method, input) => service.call(method, input), subscribe: (l) => service.subscribe(l) });
    process.once('SIGINT', this.onSigint);
  }

  static async open(options: SessionOptions): Promise<ServiceSession> {
    const service = await createWorkbenchService({
      storePath: options.storePath,
      mode: 'cli',
      adoptQueued: false,
      claimant: options.command,
      // Each run gets at least one core of the budget; the budget decides how many run at once.
      concurrency: options.train ? (options.concurrency ?? os.availableParallelism()) : 0,
      appVersion: appVersion(),
    });
    return new ServiceSession(service, options);
  }

  get storePath(): string {
    return this.service.storePath;
  }

  /**
   * Submits a graph and waits until it settles (every run ended, or Ctrl-C and nothing runs any
   * more). Shows one status line on stderr, and a progress bar while exactly one run trains.
   */
  async runGraph(runs: PlannedRun[], reuseTag: string | undefined, hooks: GraphHooks = {}): Promise<{ runIds: Map<string, number>; reused: Set<number>; progress: GraphProgress }> {
    const bar = new ProgressBar();
    const mine = new Set<number>();
    const seen = new Map<number, RunStatus>();
    let last: GraphProgress | null = null;
    let lastLine = '';
    let running = new Set<number>();
    let settle!: (p: GraphProgress) => void;
    const settled = new Promise<GraphProgress>((resolve) => (settle = resolve));
    const pending: WorkbenchEvent[] = [];
    let ready = false;
    const handle = (event: WorkbenchEvent) => {
      if (event.type === 'run/status' && mine.has(event.runId)) {
        const before = seen.get(event.runId);
        seen.set(event.runId, event.status);
        if (event.status === 'running' && before !== 'running') {
          running.add(event.runId);
          hooks.onStart?.(event.runId);
        } else if (ENDED.includes(event.status) && (!before || !ENDED.includes(before) || event.final)) {
          running.delete(event.runId);
          if (!before || !ENDED.includes(before)) hooks.onEnd?.(event);
        }
      } else if (event.type === 'run/progress' && mine.has(event.runId) && running.size === 1 && process.stderr.isTTY) {
        bar.update(event);
      } else if (event.type === 'graph/progress' && event.progress.graphId === this.graphId) {
        last = event.progress;
        const line = formatGraphProgress(event.progress);
        const counts = line.replace(/, ETA .*/, '');
        if (counts !== lastLine) {
          lastLine = counts;
          process.stderr.write(`${line}\n`);
        }
        if (event.progress.settled) settle(event.progress);
      }
    };
    const unsubscribe = this.api.subscribe((event) => (ready ? handle(event) : pending.push(event)));
    try {
      const submitted = await this.api.graph.submit({ runs, ...(reuseTag ? { reuseTag } : {}) });
      this.graphId = submitted.graphId;
      for (const r of submitted.runs) mine.add(r.runId);
      hooks.onSubmitted?.(submitted.runs);
      ready = true;
      for (const event of pending.splice(0)) handle(event);
      const initial = await this.api.graph.get({ graphId: submitted.graphId });
      if (initial.settled) settle(initial);
      if (this.stopped) await this.api.graph.stop({ graphId: submitted.graphId });
      const progress = await settled;
      running = new Set();
      return {
        runIds: new Map(submitted.runs.map((r) => [r.key, r.runId])),
        reused: new Set(submitted.runs.filter((r) => r.reused).map((r) => r.runId)),
        progress: last ?? progress,
      };
    } finally {
      unsubscribe();
      bar.done();
    }
  }

  async close(): Promise<void> {
    process.removeListener('SIGINT', this.onSigint);
    await this.service.close();
  }
}

/** Final summaries read from the store, for a run this process did not train (another process did, or an earlier command). */
export function measuredSummaries(run: RunDetail): { ntp: PhaseSummary | null; rl: PhaseSummary | null } {
  const last = (key: string) => run.metrics[key]?.last;
  const values = {
    greedyAccuracy: last('eval/greedy_accuracy'),
    sampledAccuracy: last('eval/sampled_accuracy'),
    medianGreedyLength: last('eval/greedy_length_median'),
    sampledLongShare: last('eval/sampled_long_share'),
  };
  if (run.status !== 'completed' || Object.values(values).some((v) => v === undefined)) return { ntp: null, rl: null };
  const summary = values as PhaseSummary;
  // The store keeps one series per key across both phases: the last values are RL's when the run had an RL phase.
  const hasRl = (run.config.rl?.steps ?? 0) > 0;
  return hasRl ? { ntp: null, rl: summary } : { ntp: summary, rl: null };
}

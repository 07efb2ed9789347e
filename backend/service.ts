// The backend: implements the API contract once, for both transports. It owns the run queue
// and the trainer processes; it does not import electron.
import { openStore, pendingBranches, thisProcess } from '../db';
import type { MethodName, Reply } from '../api/contract';
import { fileHandlers, storeHandlers } from './handlers/store';
import type { EventListener } from '../api/events';
import type { ServiceContext, ServiceOptions, StoreAccess } from './context';
import { dispatch, type Handlers } from './dispatch';
import { EventHub } from './event-hub';
import { RunQueue } from './run-queue';
import { TrainerPool } from './trainer-pool';
import { CoreBudget } from './core-budget';
import { GraphRunner } from './graph-runner';
import { graphHandlers } from './handlers/graph';
import { systemHandlers } from './handlers/system';
import { runHandlers } from './handlers/runs';
import { metricHandlers } from './handlers/metrics';
import { pointHandlers } from './handlers/points';
import { queueHandlers } from './handlers/queue';
import { exportHandlers } from './handlers/export';
import { slurmHandlers } from './handlers/slurm';
import { SlurmWatcher } from './slurm-jobs';
import { jobsRoot } from '../cluster/job-folder';

export type { ServiceOptions, StoreAccess };
/** Where the store is unless --db or WORKBENCH_DB says otherwise (part of the service's public surface for the CLI). */
export { defaultStorePath } from '../db';

export interface WorkbenchService {
  readonly storePath: string;
  call(method: MethodName | string, input: unknown): Promise<Reply<unknown>>;
  subscribe(listener: EventListener): () => void;
  /** Stops the trainers (each gets its grace period) and closes the store. */
  close(): Promise<void>;
}

/** What a read-only session offers: every method that only reads the store (or no store at all). */
const READ_METHODS = [
  'system/info', 'system/backends', 'presets/list', 'config/validate',
  'runs/list', 'runs/get', 'runs/checkpoints', 'runs/samples', 'runs/sampleSteps', 'runs/ids', 'runs/records',
  'metrics/keys', 'metrics/series', 'metrics/groupSeries', 'metrics/points',
  'store/check', 'slurm/jobs', 'slurm/status', 'slurm/cancel',
  'queue/get', 'graph/get', 'export/runs', 'export/pdf', 'export/report',
] as const satisfies readonly MethodName[];

function pick<K extends MethodName>(handlers: Partial<Handlers>, names: readonly K[]): Partial<Handlers> {
  return Object.fromEntries(names.filter((n) => handlers[n]).map((n) => [n, handlers[n]]));
}

/** A service over no store: the file-level methods only. */
function fileService(options: ServiceOptions): WorkbenchService {
  const hub = new EventHub();
  const handlers: Partial<Handlers> = { ...fileHandlers(options), ...pick(slurmHandlers(options, null), ['slurm/status', 'slurm/cancel', 'slurm/submitGraph', 'slurm/prepareTask']) };
  return {
    storePath: options.storePath,
    call: (method, input) => dispatch(handlers, method, input, 'this session opened no store'),
    subscribe: (listener) => hub.subscribe(listener),
    close: async () => undefined,
  };
}

export async function createWorkbenchService(options: ServiceOptions): Promise<WorkbenchService> {
  const access: StoreAccess = options.access ?? 'write';
  if (access === 'none') return fileService(options);
  // Opening for writing also marks runs whose trainer process died as interrupted; opening for
  // reading never creates, migrates or changes the file, and refuses a damaged one.
  const store = access === 'read' ? openStore(options.storePath, { readonly: true, integrity: 'quick' }) : openStore(options.storePath);
  const hub = new EventHub();
  const trainers = new TrainerPool(store, hub, options.spawnTrainer, thisProcess(options.claimant ?? `workbench ${options.mode}`));
  let graphs: GraphRunner | undefined;
  const queue = new RunQueue({
    concurrency: options.concurrency ?? 1,
    budget: new CoreBudget(options.cores),
    launch: async (runId, workers) => {
      const final = await trainers.launch(runId, workers);
      // Not claimed: another process took the run; the graph runner watches it end.
      if (final === null) graphs?.claimedElsewhere(runId);
      return final;
    },
    onChange: (state) => hub.emit({ type: 'queue/changed', queue: state }),
  });
  graphs = new GraphRunner({ store, hub, queue, trainers });
  const slurmWatchMs = options.slurmWatchMs ?? (options.mode === 'cli' ? 0 : 10_000);
  const watcher = access === 'write' && slurmWatchMs > 0 ? new SlurmWatcher({ root: jobsRoot(options.storePath), store, hub, everyMs: slurmWatchMs }) : null;
  const ctx: ServiceContext = { options, store, hub, queue, trainers, graphs };
  const handlers: Handlers = {
    ...systemHandlers(ctx),
    ...runHandlers(ctx),
    ...metricHandlers(ctx),
    ...pointHandlers(ctx),
    ...queueHandlers(ctx),
    ...exportHandlers(ctx),
    ...graphHandlers(ctx),
    ...slurmHandlers(options, store, () => watcher?.poll()),
    ...storeHandlers(options, store),
  };
  const offered = access === 'read' ? pick(handlers, READ_METHODS) : handlers;

  if (access === 'write' && (options.adoptQueued ?? true)) {
    // Runs queued in an earlier session start again, oldest first; graph branches once their parent completed.
    const branches = new Set(pendingBranches(store).map((b) => b.runId));
    const waiting = store.listRuns({ status: ['queued'], order: 'id-asc', summaryKeys: [] }).map((r) => r.id).filter((id) => !branches.has(id));
    queue.enqueue(...waiting);
    graphs.adoptPendingBranches();
  }
  watcher?.start();

  let closed = false;
  return {
    storePath: store.path,
    call: (method, input) => dispatch(offered, method, input, 'this session opened the store only for reading'),
    subscribe: (listener) => hub.subscribe(listener),
    async close() {
      if (closed) return;
      closed = true;
      queue.setConcurrency(0);
      watcher?.close();
      graphs?.close();
      await trainers.stopAll();
      store.close();
    },
  };
}

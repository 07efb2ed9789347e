// The backend: implements the API contract once, for both transports. It owns the run queue
// and the trainer processes; it does not import electron.
import { openStore } from '../db';
import type { MethodName, Reply } from '../api/contract';
import type { EventListener } from '../api/events';
import type { ServiceContext, ServiceOptions } from './context';
import { dispatch, type Handlers } from './dispatch';
import { EventHub } from './event-hub';
import { RunQueue } from './run-queue';
import { TrainerPool } from './trainer-pool';
import { systemHandlers } from './handlers/system';
import { runHandlers } from './handlers/runs';
import { metricHandlers } from './handlers/metrics';
import { pointHandlers } from './handlers/points';
import { queueHandlers } from './handlers/queue';
import { exportHandlers } from './handlers/export';

export type { ServiceOptions };

export interface WorkbenchService {
  readonly storePath: string;
  call(method: MethodName | string, input: unknown): Promise<Reply<unknown>>;
  subscribe(listener: EventListener): () => void;
  /** Stops the trainers (each gets its grace period) and closes the store. */
  close(): Promise<void>;
}

export async function createWorkbenchService(options: ServiceOptions): Promise<WorkbenchService> {
  // Opening also marks runs whose trainer process died as interrupted.
  const store = openStore(options.storePath);
  const hub = new EventHub();
  const trainers = new TrainerPool(store, hub, options.spawnTrainer);
  const queue = new RunQueue({
    concurrency: options.concurrency ?? 1,
    launch: (runId) => trainers.launch(runId),
    onChange: (state) => hub.emit({ type: 'queue/changed', queue: state }),
  });
  const ctx: ServiceContext = { options, store, hub, queue, trainers };
  const handlers: Handlers = {
    ...systemHandlers(ctx),
    ...runHandlers(ctx),
    ...metricHandlers(ctx),
    ...pointHandlers(ctx),
    ...queueHandlers(ctx),
    ...exportHandlers(ctx),
  };

  // Runs queued in an earlier session start again, oldest first.
  const waiting = store.listRuns({ status: ['queued'], order: 'id-asc', summaryKeys: [] }).map((r) => r.id);
  queue.enqueue(...waiting);

  let closed = false;
  return {
    storePath: store.path,
    call: (method, input) => dispatch(handlers, method, input),
    subscribe: (listener) => hub.subscribe(listener),
    async close() {
      if (closed) return;
      closed = true;
      queue.setConcurrency(0);
      await trainers.stopAll();
      store.close();
    },
  };
}

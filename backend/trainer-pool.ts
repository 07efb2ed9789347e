// Claims a queued run (atomically: another process on the store may want it too), starts its
// trainer process, relays what it reports to the UI, and makes sure the run ends in a terminal
// status even when the process dies without a word.
import { claimQueuedRun, type Claimant, type RunStore } from '../db';
import { startTrainer, type FinalMessage, type SpawnTrainer, type TrainerHandle } from '../trainer/process/supervisor';
import type { EventHub } from './event-hub';

export class TrainerPool {
  private readonly handles = new Map<number, TrainerHandle>();

  constructor(
    private readonly store: RunStore,
    private readonly hub: EventHub,
    private readonly spawn: SpawnTrainer | undefined,
    private readonly claimant: Claimant,
  ) {}

  isRunning(runId: number): boolean {
    return this.handles.has(runId);
  }

  /**
   * Resolves when the run has finished, failed or been stopped; null when this process could not
   * claim it (it was no longer queued: another process took it, or it was cancelled).
   */
  async launch(runId: number, workers?: number): Promise<FinalMessage | null> {
    if (!claimQueuedRun(this.store, runId, this.claimant)) return null;
    const run = this.store.getRun(runId);
    if (!run) return null;
    let handle: TrainerHandle;
    try {
      handle = startTrainer({ runId, dbPath: this.store.path, config: run.config, spawn: this.spawn, workers });
    } catch (err) {
      this.store.setStatus(runId, 'failed', `could not start a trainer: ${err instanceof Error ? err.message : String(err)}`);
      this.hub.emit({ type: 'run/status', runId, status: 'failed', error: this.store.getRun(runId)?.error ?? null });
      return null;
    }
    this.handles.set(runId, handle);
    handle.events((message) => {
      switch (message.type) {
        case 'started':
          this.hub.emit({ type: 'run/status', runId, status: 'running', error: null });
          break;
        case 'progress': {
          // The protocol's message is the event's report as is; only the envelope differs.
          const { type: _type, ...report } = message;
          this.hub.emit({ ...report, type: 'run/progress', runId });
          break;
        }
        case 'sample':
          this.hub.emit({ type: 'run/samples', runId, samples: message.samples });
          break;
        default:
          break;
      }
    });
    const final = await handle.done;
    this.handles.delete(runId);
    // The trainer records its own terminal status; only a silent death leaves the row unfinished.
    const after = this.store.getRun(runId);
    if (after && (after.status === 'running' || after.status === 'queued')) {
      const reason = final.type === 'failed' ? final.reason : 'trainer ended without recording a status';
      this.store.setStatus(runId, final.type === 'failed' && final.interrupted ? 'interrupted' : 'failed', reason);
    }
    const ended = this.store.getRun(runId);
    const summary = final.type === 'done' ? { summary: final.summary, wallSeconds: final.wallSeconds } : undefined;
    if (ended) this.hub.emit({ type: 'run/status', runId, status: ended.status, error: ended.error, ...(summary ? { final: summary } : {}) });
    return final;
  }

  stop(runId: number): boolean {
    const handle = this.handles.get(runId);
    handle?.stop();
    return handle !== undefined;
  }

  /** Asks every trainer to stop and waits for them (each escalates to a kill after its grace period). */
  async stopAll(): Promise<void> {
    const pending = [...this.handles.values()].map((h) => {
      h.stop();
      return h.done;
    });
    await Promise.allSettled(pending);
  }
}

// Which queued runs start next, and how many run at once. Knows nothing about trainers: it calls
// `launch(runId, workers)` and waits for the promise to settle before starting another. With a core
// budget, a run starts only while a core is free, and takes its share of the free cores as workers.
import type { QueueState } from '../api/types';
import type { CoreBudget } from './core-budget';

export interface RunQueueOptions {
  concurrency: number;
  /** `workers` is the run's share of the core budget (undefined without a budget). */
  launch(runId: number, workers: number | undefined): Promise<unknown>;
  onChange(state: QueueState): void;
  budget?: CoreBudget;
}

export class RunQueue {
  private concurrency: number;
  private readonly queued: number[] = [];
  private readonly running = new Set<number>();

  constructor(private readonly options: RunQueueOptions) {
    this.concurrency = options.concurrency;
  }

  state(): QueueState {
    return { concurrency: this.concurrency, running: [...this.running], queued: [...this.queued] };
  }

  has(runId: number): boolean {
    return this.running.has(runId) || this.queued.includes(runId);
  }

  isRunning(runId: number): boolean {
    return this.running.has(runId);
  }

  enqueue(...runIds: number[]): void {
    for (const id of runIds) if (!this.has(id)) this.queued.push(id);
    this.changed();
  }

  setConcurrency(concurrency: number): void {
    this.concurrency = concurrency;
    this.changed();
  }

  /** Moves a queued run to a new position (clamped); running runs cannot move. */
  move(runId: number, toIndex: number): boolean {
    const from = this.queued.indexOf(runId);
    if (from < 0) return false;
    this.queued.splice(from, 1);
    this.queued.splice(Math.min(toIndex, this.queued.length), 0, runId);
    this.changed();
    return true;
  }

  /** Takes a run out of the queue before it starts. */
  remove(runId: number): boolean {
    const index = this.queued.indexOf(runId);
    if (index < 0) return false;
    this.queued.splice(index, 1);
    this.changed();
    return true;
  }

  private changed(): void {
    this.pump();
    this.options.onChange(this.state());
  }

  private pump(): void {
    const budget = this.options.budget;
    while (this.running.size < this.concurrency && this.queued.length > 0) {
      const starting = Math.min(this.queued.length, this.concurrency - this.running.size);
      const workers = budget ? budget.take(starting) : undefined;
      if (workers === null) break;
      const runId = this.queued.shift()!;
      this.running.add(runId);
      // A launch that throws is the launcher's to record; the queue only frees the slot.
      void this.options
        .launch(runId, workers)
        .catch(() => undefined)
        .finally(() => {
          if (workers !== undefined) budget?.give(workers);
          this.running.delete(runId);
          this.changed();
        });
    }
  }
}

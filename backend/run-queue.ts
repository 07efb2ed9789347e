// Which queued runs start next, and how many run at once. Knows nothing about trainers: it calls
// `launch(runId)` and waits for the promise to settle before starting another.
import type { QueueState } from '../api/types';

export interface RunQueueOptions {
  concurrency: number;
  launch(runId: number): Promise<unknown>;
  onChange(state: QueueState): void;
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
    while (this.running.size < this.concurrency && this.queued.length > 0) {
      const runId = this.queued.shift()!;
      this.running.add(runId);
      // A launch that throws is the launcher's to record; the queue only frees the slot.
      void this.options
        .launch(runId)
        .catch(() => undefined)
        .finally(() => {
          this.running.delete(runId);
          this.changed();
        });
    }
  }
}

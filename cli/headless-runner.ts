// Runs stored runs one after another in trainer processes, with a progress bar on stderr and
// Ctrl-C handled once for all commands: the first stops the current run after its step, the
// second kills the command.
import type { RunStore } from '../db';
import { EventHub } from '../backend/event-hub';
import { TrainerPool } from '../backend/trainer-pool';
import type { FinalMessage } from '../trainer/process/supervisor';
import { ProgressBar } from './progress';

export interface HeadlessResult {
  final: FinalMessage | null;
  seconds: number;
}

export class HeadlessRunner {
  /** True once the user pressed Ctrl-C: callers start no further runs. */
  stopped = false;
  private readonly hub = new EventHub();
  private readonly pool: TrainerPool;
  private current: number | null = null;
  private readonly onSigint = () => {
    this.stopped = true;
    process.stderr.write(`\nstopping after the current step; ${this.whatHappensNext} (Ctrl-C again to kill)...\n`);
    if (this.current !== null) this.pool.stop(this.current);
    process.once('SIGINT', () => process.exit(130));
  };

  /** `whatHappensNext` finishes the Ctrl-C message, e.g. "the rest stay queued". */
  constructor(
    store: RunStore,
    private readonly whatHappensNext: string,
  ) {
    this.pool = new TrainerPool(store, this.hub, undefined);
    process.once('SIGINT', this.onSigint);
  }

  /** Trains one queued run to its end, showing its progress. */
  async run(runId: number): Promise<HeadlessResult> {
    const bar = new ProgressBar();
    const unsubscribe = this.hub.subscribe((event) => {
      if (event.type === 'run/progress' && event.runId === runId) bar.update(event);
    });
    this.current = runId;
    const started = Date.now();
    try {
      const final = await this.pool.launch(runId);
      return { final, seconds: (Date.now() - started) / 1000 };
    } finally {
      this.current = null;
      unsubscribe();
      bar.done();
    }
  }

  dispose(): void {
    process.removeListener('SIGINT', this.onSigint);
  }
}

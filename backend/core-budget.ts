// How many CPU cores this service's trainers may use together, and how a starting run's share is
// decided: a run that starts alone gets every free core; runs that start together split them.
import os from 'node:os';

export class CoreBudget {
  readonly total: number;
  private used = 0;

  /** `total` defaults to os.availableParallelism() (WORKBENCH_CORES overrides it). */
  constructor(total?: number) {
    const fromEnv = Number(process.env.WORKBENCH_CORES);
    const chosen = total ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : os.availableParallelism());
    if (!Number.isInteger(chosen) || chosen < 1) throw new Error(`core budget must be a positive integer, got ${chosen}`);
    this.total = chosen;
  }

  get free(): number {
    return this.total - this.used;
  }

  /**
   * Takes the share of one of `starting` runs that start now (at least 1 while a core is free);
   * null when no core is free.
   */
  take(starting: number): number | null {
    if (this.free < 1) return null;
    const workers = Math.max(1, Math.floor(this.free / Math.max(1, Math.min(starting, this.free))));
    this.used += workers;
    return workers;
  }

  give(workers: number): void {
    this.used = Math.max(0, this.used - workers);
  }
}

// An ExperimentSink that keeps everything in arrays: for tests and for quick scripts.
import type { CheckpointInput, MetricRow, SampleRow } from '../../../db/types';
import type { ExperimentSink, ProgressEvent } from '../experiment';

export class MemorySink implements ExperimentSink {
  readonly rows: MetricRow[] = [];
  readonly sampleRows: SampleRow[] = [];
  readonly checkpoints: (CheckpointInput & { id: number })[] = [];
  readonly events: ProgressEvent[] = [];

  metrics(rows: MetricRow[]): void {
    this.rows.push(...rows);
  }
  samples(rows: SampleRow[]): void {
    this.sampleRows.push(...rows);
  }
  checkpoint(c: CheckpointInput): number {
    const id = this.checkpoints.length + 1;
    this.checkpoints.push({ ...c, id });
    return id;
  }
  progress(ev: ProgressEvent): void {
    this.events.push(ev);
  }

  /** Values of one key in logging order, with their steps. */
  series(key: string, phase?: 'ntp' | 'rl'): { step: number; value: number }[] {
    return this.rows.filter((r) => r.key === key && (!phase || r.phase === phase)).map((r) => ({ step: r.step, value: r.value }));
  }
}

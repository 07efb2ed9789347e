// Events the backend pushes to every connected UI (IPC `webContents.send` or SSE).
// `run/progress` is the trainer's progress report (vocabulary/progress.ts) with the run it is about.
import type { ProgressReport } from '../vocabulary/progress';
import type { ExperimentSummary, GraphProgress, QueueState, RunStatus, SampleView, SlurmJobView } from './types';

export type WorkbenchEvent =
  | {
      type: 'run/status';
      runId: number;
      status: RunStatus;
      error: string | null;
      /** When this service's trainer ended the run: its final summaries and wall time. */
      final?: { summary: ExperimentSummary; wallSeconds: number };
    }
  | ({ type: 'run/progress'; runId: number } & ProgressReport)
  | { type: 'run/samples'; runId: number; samples: SampleView[] }
  | { type: 'queue/changed'; queue: QueueState }
  | { type: 'graph/progress'; progress: GraphProgress }
  /** A Slurm job of the jobs folder changed (a task started, progressed, ended or was collected). */
  | { type: 'slurm/job'; job: SlurmJobView };

export type EventListener = (event: WorkbenchEvent) => void;

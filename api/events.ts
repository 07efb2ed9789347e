// Events the backend pushes to every connected UI (IPC `webContents.send` or SSE).
import type { ExperimentSummary, GraphProgress, Phase, QueueState, RunStatus, SampleView } from './types';

export type WorkbenchEvent =
  | {
      type: 'run/status';
      runId: number;
      status: RunStatus;
      error: string | null;
      /** When this service's trainer ended the run: its final summaries and wall time. */
      final?: { summary: ExperimentSummary; wallSeconds: number };
    }
  | {
      type: 'run/progress';
      runId: number;
      phase: Phase;
      step: number;
      totalSteps: number;
      samplesSeen: number;
      stepsPerSecond: number;
      etaSeconds: number | null;
      /** Latest values of the metrics logged at this step. */
      metrics: Record<string, number>;
    }
  | { type: 'run/samples'; runId: number; samples: SampleView[] }
  | { type: 'queue/changed'; queue: QueueState }
  | { type: 'graph/progress'; progress: GraphProgress };

export type EventListener = (event: WorkbenchEvent) => void;

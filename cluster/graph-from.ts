// Minimal conversions to a RunGraph for `sweep --slurm` and `reproduce --slurm`. The application
// layer's own conversions (paper/study-graph.ts, the sweep graph) replace these two functions.
import { defaultRunName } from '../vocabulary/run-names';
import { checkpointSteps, pickCheckpoint, type Study } from '../paper/studies';
import { parseConfig, type ExperimentConfig } from '../vocabulary/experiment-config';
import type { PlannedRun, RunGraph } from '../vocabulary/run-graph';

/** A sweep: independent runs, one per combination. */
export function sweepToGraph(configs: ExperimentConfig[], values: Record<string, string>[], namePrefix: string, tags: string[]): RunGraph {
  return {
    runs: configs.map((config, i): PlannedRun => ({
      key: `sweep/${Object.entries(values[i] ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || i}#${i}`,
      name: `${namePrefix ? `${namePrefix} ` : ''}${defaultRunName(config)}`,
      config,
      tags,
      branch: null,
    })),
  };
}

/** Studies: each run per seed; a branch starts from its parent's planned checkpoint nearest the pick. */
export function studiesToGraphLocal(studies: Study[], tags: string[]): RunGraph {
  const runs: PlannedRun[] = [];
  for (const study of studies) {
    const configs = new Map(study.runs.map((r) => [r.label, r.config]));
    for (const run of study.runs) {
      for (const seed of run.seeds) {
        const config = parseConfig({ ...run.config, seed });
        let branch: PlannedRun['branch'] = null;
        if (run.branch) {
          const parent = parseConfig(configs.get(run.branch.fromLabel)!);
          const step = pickCheckpoint(checkpointSteps(parent.ntp).map((s) => ({ step: s })), run.branch.checkpoint, parent.ntp.steps)!.step;
          branch = { from: `${study.name}/${run.branch.fromLabel}#${seed}`, phase: 'ntp', step };
        }
        runs.push({ key: `${study.name}/${run.label}#${seed}`, name: `${study.name}/${run.label} seed=${seed}`, config, tags: [`study:${study.name}`, ...tags], branch });
      }
    }
  }
  return { runs };
}

// The paper's studies as one run graph: every (study run, seed) is a planned run; runs with the
// same config (and, for a branch, the same parent and checkpoint step) are one run shared by every
// study that needs it, tagged for each. A branch starts from its parent's NTP checkpoint at the step
// pickCheckpoint chooses among the steps the parent checkpoints at.
import { parseConfig, type ExperimentConfig } from '../vocabulary/experiment-config';
import type { PlannedRun, RunGraph } from '../vocabulary/run-graph';
import { checkpointSteps, pickCheckpoint, type Study } from './studies';

/** The key of one study run with one seed, before sharing: `study/label#seed`. */
export function studyRunKey(study: string, label: string, seed: number): string {
  return `${study}/${label}#${seed}`;
}

export interface StudyPlan {
  graph: RunGraph;
  /** studyRunKey -> the key of the planned run that serves it (itself, or the run it shares). */
  keyOf: Map<string, string>;
}

export function planStudies(studies: readonly Study[], extraTags: readonly string[] = []): StudyPlan {
  const runs: PlannedRun[] = [];
  const byIdentity = new Map<string, PlannedRun>();
  const keyOf = new Map<string, string>();
  for (const study of studies) {
    const labels = new Map(study.runs.map((r) => [r.label, r]));
    for (const studyRun of study.runs) {
      for (const seed of studyRun.seeds) {
        const key = studyRunKey(study.name, studyRun.label, seed);
        const config: ExperimentConfig = parseConfig({ ...studyRun.config, seed });
        let branch: PlannedRun['branch'] = null;
        if (studyRun.branch) {
          const parentKey = keyOf.get(studyRunKey(study.name, studyRun.branch.fromLabel, seed));
          const parentRun = labels.get(studyRun.branch.fromLabel);
          if (!parentKey || !parentRun) throw new Error(`study ${study.name}: '${studyRun.label}' branches from '${studyRun.branch.fromLabel}', which does not come before it`);
          const parentNtp = parseConfig(parentRun.config).ntp;
          const step = pickCheckpoint(checkpointSteps(parentNtp).map((s) => ({ step: s })), studyRun.branch.checkpoint, parentNtp.steps)!.step;
          branch = { from: parentKey, phase: 'ntp', step };
        }
        const identity = JSON.stringify([config, branch]);
        const shared = byIdentity.get(identity);
        const tag = `study:${study.name}`;
        if (shared) {
          if (!shared.tags.includes(tag)) shared.tags.splice(shared.tags.length - extraTags.length, 0, tag);
          keyOf.set(key, shared.key);
          continue;
        }
        const run: PlannedRun = { key, name: `${study.name}/${studyRun.label} seed=${seed}`, config, tags: [tag, ...extraTags], branch };
        runs.push(run);
        byIdentity.set(identity, run);
        keyOf.set(key, key);
      }
    }
  }
  return { graph: { runs }, keyOf };
}

export function studiesToGraph(studies: readonly Study[]): RunGraph {
  return planStudies(studies).graph;
}

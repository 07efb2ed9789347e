// A study or a sweep as a graph of runs: each planned run is a complete experiment config, and an
// RL branch names the run (by key) and the NTP step whose checkpoint it starts from. The same graph
// runs on this machine (the service's queue, within the core budget) or on a Slurm cluster (one
// store file per task, collected home afterwards).
import type { ExperimentConfig } from './experiment-config';

export interface RunBranch {
  /** Key of the planned run whose checkpoint this run starts from. */
  from: string;
  phase: 'ntp';
  /** Step of the parent's checkpoint (one of the steps its config checkpoints at). */
  step: number;
}

export interface PlannedRun {
  /** Unique within the graph and stable across reruns of the same command (e.g. `threshold/p=0.3#1`). */
  key: string;
  name: string;
  /** Complete config; a branch's `rl.fromCheckpoint` is filled in once its parent's checkpoint exists. */
  config: ExperimentConfig;
  tags: string[];
  branch: RunBranch | null;
}

export interface RunGraph {
  runs: PlannedRun[];
}

/** What is wrong with a graph (duplicate keys, unknown parents, cycles), one line each; [] when sound. */
export function checkRunGraph(graph: RunGraph): string[] {
  const problems: string[] = [];
  const byKey = new Map<string, PlannedRun>();
  for (const run of graph.runs) {
    if (byKey.has(run.key)) problems.push(`run key '${run.key}' appears twice`);
    byKey.set(run.key, run);
  }
  for (const run of graph.runs) {
    if (run.branch && !byKey.has(run.branch.from)) problems.push(`run '${run.key}' branches from unknown run '${run.branch.from}'`);
  }
  if (problems.length === 0) {
    for (const run of graph.runs) {
      const seen = new Set<string>();
      for (let at: PlannedRun | undefined = run; at?.branch; at = byKey.get(at.branch.from)) {
        if (seen.has(at.key)) {
          problems.push(`run '${run.key}' is part of a branch cycle`);
          break;
        }
        seen.add(at.key);
      }
    }
  }
  return problems;
}

/** Runs by dependency level: level 0 branches from nothing, level k from a run of level k-1 or lower. */
export function dependencyLevels(graph: RunGraph): PlannedRun[][] {
  const problems = checkRunGraph(graph);
  if (problems.length) throw new Error(`invalid run graph: ${problems.join('; ')}`);
  const byKey = new Map(graph.runs.map((r) => [r.key, r]));
  const level = new Map<string, number>();
  const levelOf = (run: PlannedRun): number => {
    const known = level.get(run.key);
    if (known !== undefined) return known;
    const value = run.branch ? levelOf(byKey.get(run.branch.from)!) + 1 : 0;
    level.set(run.key, value);
    return value;
  };
  const levels: PlannedRun[][] = [];
  for (const run of graph.runs) (levels[levelOf(run)] ??= []).push(run);
  return levels;
}

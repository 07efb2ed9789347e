// A run graph becomes a job folder the login node and the compute nodes can both read:
//   job.json            the manifest (tasks, array jobs, Slurm ids once submitted)
//   tasks/NNN/          one folder per planned run: planned.json (its config), config.json (what
//                       `workbench run` trains; a branch's is written on the node once its parent's
//                       checkpoint exists) and store.sqlite, the task's own run store
//   scripts/*.sbatch    one array job for the roots, one per parent for the branches from it
//   logs/%A_%a.log      each task's stdout and stderr
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LATEST_VERSION } from '../db';
import { checkRunGraph, dependencyLevels, type RunGraph } from '../vocabulary/run-graph';
import { checkpointSteps } from '../paper/studies';
import { writeManifest, type JobArray, type JobManifest, type JobTask } from './manifest';
import { sbatchDirectives, slurmOptionsSchema, type SlurmOptions } from './slurm-options';

/** The CLI entry the nodes run (this checkout's bin/workbench.js). */
export const WORKBENCH_ENTRY = fileURLToPath(new URL('../bin/workbench.js', import.meta.url));

export interface JobFolderInput {
  graph: RunGraph;
  /** The job folder; must not exist yet or be empty. */
  dir: string;
  /** Short label for Slurm's job names and the folder's manifest. */
  name: string;
  options: SlurmOptions;
  /** How nodes start Node (default: this process's binary, which must exist on the nodes). */
  node?: string;
}

/** POSIX-shell single quoting. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function plannedBranchProblems(graph: RunGraph): string[] {
  const byKey = new Map(graph.runs.map((r) => [r.key, r]));
  const problems: string[] = [];
  for (const run of graph.runs) {
    if (!run.branch) continue;
    const parent = byKey.get(run.branch.from)!;
    const steps = checkpointSteps(parent.config.ntp);
    if (!steps.includes(run.branch.step)) {
      problems.push(`run '${run.key}' branches from step ${run.branch.step} of '${parent.key}', which checkpoints at steps ${steps.join(', ') || '(none)'}`);
    }
  }
  return problems;
}

export function createJobFolder(input: JobFolderInput): JobManifest {
  const problems = [...checkRunGraph(input.graph)];
  if (problems.length === 0) problems.push(...plannedBranchProblems(input.graph));
  if (input.graph.runs.length === 0) problems.push('the graph has no runs');
  if (problems.length) throw new Error(`cannot make a Slurm job from this graph: ${problems.join('; ')}`);
  const options = slurmOptionsSchema.parse(input.options);
  const dir = path.resolve(input.dir);
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw new Error(`job folder ${dir} already exists and is not empty`);
  for (const sub of ['tasks', 'scripts', 'logs']) fs.mkdirSync(path.join(dir, sub), { recursive: true });

  // Tasks in dependency order, so that a parent's index is below its branches'.
  const ordered = dependencyLevels(input.graph).flat();
  const indexOf = new Map(ordered.map((r, i) => [r.key, i]));
  const width = String(ordered.length - 1).length;
  const tasks: JobTask[] = ordered.map((run, index) => ({
    index,
    key: run.key,
    name: run.name,
    tags: run.tags,
    dir: path.join('tasks', String(index).padStart(Math.max(3, width), '0')),
    branch: run.branch ? { parent: indexOf.get(run.branch.from)!, step: run.branch.step } : null,
  }));
  for (const [i, task] of tasks.entries()) {
    const taskDir = path.join(dir, task.dir);
    fs.mkdirSync(taskDir);
    const config = `${JSON.stringify(ordered[i]!.config, null, 2)}\n`;
    fs.writeFileSync(path.join(taskDir, 'planned.json'), config);
    if (!task.branch) fs.writeFileSync(path.join(taskDir, 'config.json'), config);
  }

  // One array for the roots; the branches of one parent share an array that waits for it.
  const arrays: JobArray[] = [{ script: 'scripts/roots.sbatch', tasks: tasks.filter((t) => !t.branch).map((t) => t.index), after: null, jobId: null }];
  const byParent = new Map<number, number[]>();
  for (const t of tasks) if (t.branch) (byParent.get(t.branch.parent) ?? byParent.set(t.branch.parent, []).get(t.branch.parent)!).push(t.index);
  for (const [parent, children] of byParent) {
    arrays.push({ script: `scripts/after-${tasks[parent]!.dir.split(path.sep).pop()}.sbatch`, tasks: children, after: parent, jobId: null });
  }

  const manifest: JobManifest = {
    format: 'ntp-rl-workbench/slurm-job',
    version: 1,
    id: randomUUID(),
    name: input.name,
    createdAt: new Date().toISOString(),
    schemaVersion: LATEST_VERSION,
    workbench: { node: input.node ?? process.execPath, entry: WORKBENCH_ENTRY },
    options,
    tasks,
    arrays,
  };
  for (const array of arrays) fs.writeFileSync(path.join(dir, array.script), arrayScript(dir, manifest, array), { mode: 0o755 });
  writeManifest(dir, manifest);
  return manifest;
}

/** The sbatch script of one array job: each array task trains one planned run into its own store. */
export function arrayScript(jobDir: string, manifest: JobManifest, array: JobArray): string {
  const jobName = `wb-${manifest.name}`.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60);
  const dirs = array.tasks.map((i) => shellQuote(manifest.tasks[i]!.dir)).join(' ');
  const names = array.tasks.map((i) => shellQuote(manifest.tasks[i]!.name)).join(' ');
  const branches = array.after !== null;
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${jobName}`,
    `#SBATCH --array=0-${array.tasks.length - 1}`,
    `#SBATCH --output=${path.join(jobDir, 'logs', '%A_%a.log')}`,
    ...sbatchDirectives(manifest.options),
    `# Written by the NTP+RL Workbench for job folder ${jobDir}. Each task writes only its own folder.`,
    'set -euo pipefail',
    `JOB_DIR=${shellQuote(jobDir)}`,
    `DIRS=(${dirs})`,
    `NAMES=(${names})`,
    'TASK_DIR="$JOB_DIR/${DIRS[$SLURM_ARRAY_TASK_ID]}"',
    // WORKBENCH_NODE overrides the Node binary where the nodes keep it elsewhere.
    'NODE="${WORKBENCH_NODE:-}"',
    `if [ -z "$NODE" ]; then NODE=${shellQuote(manifest.workbench.node)}; fi`,
    `ENTRY=${shellQuote(manifest.workbench.entry)}`,
    'echo "task ${DIRS[$SLURM_ARRAY_TASK_ID]} on $(hostname) at $(date -Is)"',
    // The trainer processes resolve the project's packages (tsx, TF.js) from the project folder.
    `cd ${shellQuote(path.dirname(path.dirname(manifest.workbench.entry)))}`,
    ...(branches ? ['# The parent checkpoint is copied into this task\'s own store first (the parent\'s store is only read).',
      '"$NODE" "$ENTRY" slurm prepare "$JOB_DIR" "${DIRS[$SLURM_ARRAY_TASK_ID]}"'] : []),
    'exec "$NODE" "$ENTRY" run --config "$TASK_DIR/config.json" --db "$TASK_DIR/store.sqlite" --name "${NAMES[$SLURM_ARRAY_TASK_ID]}"',
    '',
  ].join('\n');
}

/** Where job folders go by default: `slurm-jobs/` beside the store. */
export function jobsRoot(storePath: string): string {
  return path.join(path.dirname(path.resolve(storePath)), 'slurm-jobs');
}

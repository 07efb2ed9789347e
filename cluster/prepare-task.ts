// On the node, before an RL branch trains: its parent's run and the one checkpoint it starts
// from are copied out of the parent task's store (opened read-only) into this task's own store,
// and the config `workbench run` trains is written with that checkpoint's ids.
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../db';
import { validateConfig } from '../vocabulary/experiment-config';
import { setPath } from '../vocabulary/config-paths';
import { readManifest, taskConfigPath, taskStorePath } from './manifest';
import { COPIED_PARENT_TAG, ownRun, withTaskStore } from './task-store';

export interface PreparedTask {
  parentRunId: number;
  checkpointId: number;
}

export function prepareBranchTask(jobDir: string, taskDir: string): PreparedTask {
  const manifest = readManifest(jobDir);
  const task = manifest.tasks.find((t) => t.dir === taskDir || path.basename(t.dir) === taskDir);
  if (!task) throw new Error(`job ${jobDir} has no task folder '${taskDir}'`);
  if (!task.branch) throw new Error(`task ${task.dir} (${task.key}) is not a branch: it has nothing to prepare`);
  const { step } = task.branch;
  const parent = manifest.tasks[task.branch.parent]!;
  const parentStore = taskStorePath(jobDir, parent);

  const bundle = withTaskStore(parentStore, (store) => {
    const run = ownRun(store);
    if (!run) return undefined;
    if (run.status !== 'completed') throw new Error(`parent task ${parent.dir} (${parent.key}) is ${run.status}, not completed${run.error ? `: ${run.error}` : ''}`);
    const checkpoint = run.checkpoints.find((c) => c.phase === 'ntp' && c.step === step);
    if (!checkpoint) throw new Error(`parent task ${parent.dir} (${parent.key}) has no NTP checkpoint at step ${step} (it has ${run.checkpoints.map((c) => `${c.phase}@${c.step}`).join(', ') || 'none'})`);
    const exported = store.exportRuns([run.id], { checkpoints: true });
    const only = exported.runs[0]!;
    // Only the checkpoint the branch starts from travels; the parent's other checkpoints stay home.
    only.checkpoints = only.checkpoints.filter((c) => c.id === checkpoint.id);
    only.tags = [...only.tags, COPIED_PARENT_TAG];
    return exported;
  });
  if (!bundle) throw new Error(`parent task ${parent.dir} (${parent.key}) has no run in ${parentStore}`);

  const store = openStore(taskStorePath(jobDir, task));
  try {
    // A requeued task finds its copy already there.
    const copyId = store.listRuns({ tags: [COPIED_PARENT_TAG], summaryKeys: [] })[0]?.id ?? store.importBundle(bundle)[0]!;
    const checkpointId = store.listCheckpoints(copyId).find((c) => c.phase === 'ntp' && c.step === step)!.id;
    const planned: unknown = JSON.parse(fs.readFileSync(path.join(jobDir, task.dir, 'planned.json'), 'utf8'));
    const checked = validateConfig(setPath(planned as object, 'rl.fromCheckpoint', { runId: copyId, checkpointId }));
    if (!checked.ok) throw new Error(`task ${task.dir} (${task.key}): invalid config: ${checked.errors.map((e) => e.message).join('; ')}`);
    fs.writeFileSync(taskConfigPath(jobDir, task), `${JSON.stringify(checked.config, null, 2)}\n`);
    return { parentRunId: copyId, checkpointId };
  } finally {
    store.close();
  }
}

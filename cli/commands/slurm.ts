// `workbench slurm status|cancel JOBDIR`: a job folder's tasks as Slurm and their stores see
// them; cancel wraps scancel. `slurm prepare` is what a branch task runs on its node first.
import fs from 'node:fs';
import { readManifest } from '../../cluster/manifest';
import { jobStatus, type TaskStatus } from '../../cluster/collect';
import { scancel } from '../../cluster/slurm';
import { prepareBranchTask } from '../../cluster/prepare-task';
import { defaultStorePath, openStore } from '../../db';
import { parseFlags, UsageError } from '../args';
import { withStoreErrors } from '../store-args';

export const summary = 'status and cancel of a Slurm job folder (made by sweep/reproduce --slurm)';

const HELP = `usage: workbench slurm status JOBDIR [--db FILE] [--json]
       workbench slurm cancel JOBDIR

status: one line per task: its Slurm state (squeue/sacct/scontrol), progress read from the task's own
        store, and whether it is collected into --db (default ${defaultStorePath()}).
cancel: scancel every array job of the folder; workbench collect then brings the tasks home as
        failed with Slurm's reason.
(slurm prepare JOBDIR TASKDIR runs on a node: it copies a branch's parent checkpoint into its store.)
`;

export function formatTask(t: TaskStatus): string {
  const progress = t.run ? `${t.run.status} step ${t.run.lastStep ?? 0}/${t.run.totalSteps}` : 'no run yet';
  const slurm = t.slurm ? `${t.slurm.state}${t.slurm.node ? ` on ${t.slurm.node}` : ''}` : 'unknown to Slurm';
  const reason = t.phase === 'failed' && t.slurm ? ` — ${t.slurm.reason}` : '';
  const home = t.localRunId !== null ? ` -> run ${t.localRunId}` : '';
  return `  ${String(t.index).padStart(3)} ${t.phase.padEnd(9)} ${(t.slurmId ?? '-').padEnd(10)} ${slurm}; ${progress}${home}  ${t.name}${reason}`;
}

export async function run(argv: string[]): Promise<number> {
  return withStoreErrors('slurm', async () => {
    const { values, positionals } = parseFlags(argv, { db: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, true);
    const [verb, jobDir, taskDir] = positionals;
    if (values.help || !verb) {
      process.stdout.write(HELP);
      return values.help ? 0 : 2;
    }
    if (!jobDir) throw new UsageError(`slurm ${verb} needs a JOBDIR`);
    if (verb === 'prepare') {
      if (!taskDir) throw new UsageError('slurm prepare needs JOBDIR TASKDIR');
      const prepared = prepareBranchTask(jobDir, taskDir);
      process.stderr.write(`prepared ${taskDir}: parent copied as run ${prepared.parentRunId}, checkpoint ${prepared.checkpointId}\n`);
      return 0;
    }
    if (verb === 'cancel') {
      const ids = readManifest(jobDir).arrays.map((a) => a.jobId).filter((id): id is string => id !== null);
      scancel(ids);
      process.stderr.write(`scancel ${ids.join(' ')}\n`);
      return 0;
    }
    if (verb !== 'status') throw new UsageError(`unknown slurm command '${verb}' (status, cancel)`);
    const file = values.db ?? defaultStorePath();
    const store = fs.existsSync(file) ? openStore(file, { readonly: true }) : null;
    try {
      const status = jobStatus(jobDir, store);
      if (values.json) process.stdout.write(`${JSON.stringify(status)}\n`);
      else process.stdout.write(`${status.name}: ${status.tasks.length} tasks${status.finished ? ', all ended' : ''}\n${status.tasks.map(formatTask).join('\n')}\n`);
      return 0;
    } finally {
      store?.close();
    }
  });
}

// `workbench slurm status|cancel JOBDIR`: a job folder's tasks as Slurm and their stores see
// them; cancel wraps scancel. `slurm prepare` is what a branch task runs on its node first.
import fs from 'node:fs';
import type { SlurmJobView } from '../../api/types';
import { parseFlags, UsageError } from '../args';
import { defaultStorePath, withStoreSession } from '../service-session';
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

export function formatTask(t: SlurmJobView['tasks'][number]): string {
  const progress = t.runStatus ? `${t.runStatus} step ${t.lastStep ?? 0}/${t.totalSteps}` : 'no run yet';
  const slurm = t.slurmState ? `${t.slurmState}${t.node ? ` on ${t.node}` : ''}` : 'unknown to Slurm';
  const reason = t.reason ? ` — ${t.reason}` : '';
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
      // A session over no store: what it writes is the task's own store in the job folder.
      const prepared = await withStoreSession(values.db ?? defaultStorePath(), 'none', 'workbench slurm prepare', (api) => api.slurm.prepareTask({ dir: jobDir, task: taskDir }));
      process.stderr.write(`prepared ${taskDir}: parent copied as run ${prepared.parentRunId}, checkpoint ${prepared.checkpointId}\n`);
      return 0;
    }
    if (verb !== 'status' && verb !== 'cancel') throw new UsageError(`unknown slurm command '${verb}' (status, cancel)`);
    const file = values.db ?? defaultStorePath();
    // Status only reads: the local store (to say what is collected) read-only, or none where there is none yet.
    const access = verb === 'status' && fs.existsSync(file) ? 'read' : 'none';
    return withStoreSession(file, access, `workbench slurm ${verb}`, async (api) => {
      if (verb === 'cancel') {
        const { jobIds } = await api.slurm.cancel({ dir: jobDir });
        process.stderr.write(`scancel ${jobIds.join(' ')}\n`);
        return 0;
      }
      const status = await api.slurm.status({ dir: jobDir, collect: false });
      if (values.json) process.stdout.write(`${JSON.stringify(status)}\n`);
      else process.stdout.write(`${status.name}: ${status.tasks.length} tasks${status.finished ? ', all ended' : ''}\n${status.tasks.map(formatTask).join('\n')}\n`);
      return 0;
    });
  });
}

// `workbench collect JOBDIR [--follow]`: brings a Slurm job folder's finished tasks home into the
// store; again and again without adding anything twice.
import type { SlurmCollectResult } from '../../api/types';
import { parseFlags, UsageError } from '../args';
import { defaultStorePath, withStoreSession } from '../service-session';
import { withStoreErrors } from '../store-args';
import { formatTask } from './slurm';

export const summary = "merge a Slurm job folder's finished task stores into the store";

const HELP = `usage: workbench collect JOBDIR [--db FILE] [--follow] [--every SECONDS]

Imports every finished task of the job folder (made by sweep/reproduce --slurm) into the store,
with its name, tags, group key and parent link; tasks Slurm failed, cancelled or timed out come
home as failed runs with Slurm's reason. Tasks already collected are skipped, so running it twice
adds nothing. stdout: one JSON line {"collected": [{index, key, runId, status}], "already", "pending"}.
Exit code 0 when nothing is pending (or with --follow, once the job has ended), 3 while tasks are
still pending, 1 if a collected task failed.

  --db FILE        run store (default ${defaultStorePath()})
  --follow         keep collecting until every task has ended
  --every SECONDS  how often --follow looks (default 10)
`;

export async function run(argv: string[]): Promise<number> {
  return withStoreErrors('collect', async () => {
    const { values, positionals } = parseFlags(
      argv,
      { db: { type: 'string' }, follow: { type: 'boolean' }, every: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      true,
    );
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('give exactly one JOBDIR');
    const every = Number(values.every ?? 10);
    if (!(every > 0)) throw new UsageError(`--every takes seconds > 0, got '${values.every}'`);
    const jobDir = positionals[0]!;
    return withStoreSession(values.db ?? defaultStorePath(), 'write', 'workbench collect', async (api) => {
      const all: SlurmCollectResult['collected'] = [];
      let result = await api.slurm.collect({ dir: jobDir });
      const already = result.already;
      all.push(...result.collected);
      while (values.follow && result.pending > 0) {
        const status = await api.slurm.status({ dir: jobDir, collect: false });
        process.stderr.write(`${status.tasks.filter((t) => t.phase !== 'collected').map(formatTask).join('\n')}\n`);
        await new Promise((r) => setTimeout(r, every * 1000));
        result = await api.slurm.collect({ dir: jobDir });
        all.push(...result.collected);
      }
      const line = { collected: all, already, pending: result.pending };
      process.stdout.write(`${JSON.stringify(line)}\n`);
      for (const c of all) process.stderr.write(`collected task ${c.index} (${c.key}) as run ${c.runId}: ${c.status}\n`);
      if (all.some((c) => c.status !== 'completed')) return 1;
      return result.pending > 0 ? 3 : 0;
    });
  });
}

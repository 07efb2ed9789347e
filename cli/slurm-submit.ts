// `--slurm` for sweep and reproduce: the flags that shape the sbatch scripts, and one submit step
// through the service (job folder, sbatch), with a line saying how to follow and collect it.
import { slurmOptionsSchema, type SlurmOptions } from '../vocabulary/slurm-options';
import type { RunGraph } from '../vocabulary/run-graph';
import { UsageError } from './args';
import { withStoreSession } from './service-session';

export const SLURM_FLAGS = {
  slurm: { type: 'boolean' },
  workdir: { type: 'string' },
  partition: { type: 'string' },
  time: { type: 'string' },
  cpus: { type: 'string' },
  gpus: { type: 'string' },
  account: { type: 'string' },
  sbatch: { type: 'string', multiple: true },
} as const;

export const SLURM_HELP = `  --slurm            submit to Slurm instead of running here: one store per task in a job folder,
                     brought home with workbench collect JOBDIR
  --workdir DIR      job folder, on a path the nodes can read (default: beside the store)
  --partition NAME   --time LIMIT   --cpus N (per task)   --gpus N|TYPE:N (per task)   --account NAME
  --sbatch=LINE      an extra #SBATCH line, e.g. --sbatch=--mem=4G --sbatch=--qos=short (repeatable)
`;

type SlurmValues = { [K in keyof typeof SLURM_FLAGS]?: (typeof SLURM_FLAGS)[K] extends { multiple: true } ? string[] : K extends 'slurm' ? boolean : string };

export function slurmOptionsFrom(values: SlurmValues): SlurmOptions {
  const cpus = values.cpus === undefined ? undefined : Number(values.cpus);
  const parsed = slurmOptionsSchema.safeParse({
    partition: values.partition, time: values.time, cpusPerTask: cpus, gpus: values.gpus, account: values.account, extra: values.sbatch ?? [],
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = { cpusPerTask: '--cpus', extra: '--sbatch' }[String(issue.path[0])] ?? `--${String(issue.path[0])}`;
    throw new UsageError(`${flag}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Submits through the service (a session over no store: submitting writes only the job folder),
 * prints the job ids on stdout (JSON) and the next steps on stderr.
 */
export async function submitToSlurm(graph: RunGraph, name: string, values: SlurmValues, storePath: string): Promise<number> {
  const options = slurmOptionsFrom(values);
  const submitted = await withStoreSession(storePath, 'none', 'workbench --slurm', (api) =>
    api.slurm.submitGraph({ runs: graph.runs, name, options, ...(values.workdir ? { dir: values.workdir } : {}) }),
  );
  const { dir, jobIds, tasks } = submitted;
  process.stdout.write(`${JSON.stringify({ jobDir: dir, jobIds, tasks })}\n`);
  process.stderr.write(
    `submitted ${tasks} task${tasks === 1 ? '' : 's'} in ${jobIds.length} array job${jobIds.length === 1 ? '' : 's'} (${jobIds.join(', ')}); job folder ${dir}\n` +
      `follow: workbench slurm status ${dir}\ncollect: workbench collect ${dir} --db ${storePath} [--follow]\n`,
  );
  return 0;
}

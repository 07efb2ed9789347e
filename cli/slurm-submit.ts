// `--slurm` for sweep and reproduce: the flags that shape the sbatch scripts, and one submit step
// (job folder, sbatch, a line saying how to follow and collect it).
import path from 'node:path';
import { createJobFolder, jobsRoot } from '../cluster/job-folder';
import { submitJobFolder } from '../cluster/submit';
import { slurmOptionsSchema, type SlurmOptions } from '../cluster/slurm-options';
import type { RunGraph } from '../vocabulary/run-graph';
import { UsageError } from './args';

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

/** Default job folder: `<store dir>/slurm-jobs/<name>-<timestamp>`. */
export function defaultWorkdir(storePath: string, name: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return path.join(jobsRoot(storePath), `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}-${stamp}`);
}

/** Writes the job folder, submits it, prints the job ids on stdout (JSON) and the next steps on stderr. */
export function submitToSlurm(graph: RunGraph, name: string, values: SlurmValues, storePath: string): number {
  const options = slurmOptionsFrom(values);
  const dir = path.resolve(values.workdir ?? defaultWorkdir(storePath, name));
  createJobFolder({ graph, dir, name, options });
  const manifest = submitJobFolder(dir);
  process.stdout.write(`${JSON.stringify({ jobDir: dir, jobIds: manifest.arrays.map((a) => a.jobId), tasks: manifest.tasks.length })}\n`);
  process.stderr.write(
    `submitted ${manifest.tasks.length} task${manifest.tasks.length === 1 ? '' : 's'} in ${manifest.arrays.length} array job${manifest.arrays.length === 1 ? '' : 's'} (${manifest.arrays.map((a) => a.jobId).join(', ')}); job folder ${dir}\n` +
      `follow: workbench slurm status ${dir}\ncollect: workbench collect ${dir} --db ${storePath} [--follow]\n`,
  );
  return 0;
}

// The `#SBATCH` lines of a submission's options (the schema is vocabulary/slurm-options.ts).
import type { SlurmOptions } from '../vocabulary/slurm-options';

export { slurmOptionsSchema, type SlurmOptions } from '../vocabulary/slurm-options';

/** The `#SBATCH` header lines for these options (job name, array and output are added by the script). */
export function sbatchDirectives(opts: SlurmOptions): string[] {
  const lines: string[] = [];
  if (opts.partition) lines.push(`--partition=${opts.partition}`);
  if (opts.time) lines.push(`--time=${opts.time}`);
  if (opts.cpusPerTask) lines.push(`--cpus-per-task=${opts.cpusPerTask}`);
  if (opts.gpus) lines.push(`--gpus-per-task=${opts.gpus}`);
  if (opts.account) lines.push(`--account=${opts.account}`);
  for (const extra of opts.extra) lines.push(extra.replace(/^#SBATCH\s+/, '').trim());
  return lines.map((l) => `#SBATCH ${l}`);
}

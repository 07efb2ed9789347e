// What a submission asks of Slurm: partition, time limit, CPUs and GPUs per task, account, and
// free-form `#SBATCH` lines for anything else (memory, QOS, constraints).
import { z } from 'zod';

const oneLine = (what: string) => z.string().min(1).refine((s) => !/[\r\n]/.test(s), { message: `${what} must be one line` });

export const slurmOptionsSchema = z.strictObject({
  partition: oneLine('partition').optional(),
  /** Slurm's formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM... */
  time: oneLine('time').refine((s) => /^(\d+-)?\d+(:\d+){0,2}$/.test(s), { message: 'time must be like 30, 2:00:00 or 1-12:00' }).optional(),
  cpusPerTask: z.number().int().min(1).max(4096).optional(),
  /** --gpus-per-task: a count, or type:count. */
  gpus: oneLine('gpus').refine((s) => /^([A-Za-z0-9_.-]+:)?\d+$/.test(s), { message: 'gpus must be a count or TYPE:COUNT' }).optional(),
  account: oneLine('account').optional(),
  /** Extra header lines, written as `#SBATCH <line>` (a leading `#SBATCH` is accepted and dropped). */
  extra: z.array(oneLine('each extra #SBATCH line')).default([]),
});

export type SlurmOptions = z.infer<typeof slurmOptionsSchema>;

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

// What a submission asks of Slurm: partition, time limit, CPUs and GPUs per task, account, and
// free-form `#SBATCH` lines for anything else (memory, QOS, constraints). The words only: the
// CLI's flags, the API and the job folder check against this one schema (cluster/ writes the lines).
import { z } from 'zod';

const oneLine = (what: string) => z.string().min(1).refine((s) => !/[\r\n]/.test(s), { message: `${what} must be one line` });

const CPUS = 'CPUs per task must be a whole number from 1 to 4096';

export const slurmOptionsSchema = z.strictObject({
  partition: oneLine('partition').optional(),
  /** Slurm's formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM... */
  time: oneLine('time').refine((s) => /^(\d+-)?\d+(:\d+){0,2}$/.test(s), { message: 'time must be like 30, 2:00:00 or 1-12:00' }).optional(),
  cpusPerTask: z.number({ error: CPUS }).int(CPUS).min(1, CPUS).max(4096, CPUS).optional(),
  /** --gpus-per-task: a count, or type:count. */
  gpus: oneLine('gpus').refine((s) => /^([A-Za-z0-9_.-]+:)?\d+$/.test(s), { message: 'gpus must be a count or TYPE:COUNT' }).optional(),
  account: oneLine('account').optional(),
  /** Extra header lines, written as `#SBATCH <line>` (a leading `#SBATCH` is accepted and dropped). */
  extra: z.array(oneLine('each extra #SBATCH line')).default([]),
});

export type SlurmOptions = z.infer<typeof slurmOptionsSchema>;

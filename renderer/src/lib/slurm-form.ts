// The launch form's Slurm fields as typed text, turned into the `options` of `slurm/submit`.
// The rules mirror cluster/slurm-options.ts (which the renderer may not import) so a bad value
// is shown beside its field before anything is sent; the backend checks again.

export interface SlurmFormFields {
  partition: string;
  time: string;
  cpusPerTask: string;
  gpus: string;
  account: string;
  /** One `#SBATCH` line per text line; a leading `#SBATCH` is allowed. */
  extra: string;
}

export interface SlurmSubmitOptions {
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  gpus?: string;
  account?: string;
  extra?: string[];
}

export const EMPTY_SLURM_FIELDS: SlurmFormFields = { partition: '', time: '', cpusPerTask: '', gpus: '', account: '', extra: '' };

export type SlurmFormResult =
  | { ok: true; options: SlurmSubmitOptions }
  | { ok: false; errors: Partial<Record<keyof SlurmFormFields, string>> };

export function slurmOptionsFromForm(fields: SlurmFormFields): SlurmFormResult {
  const errors: Partial<Record<keyof SlurmFormFields, string>> = {};
  const options: SlurmSubmitOptions = {};
  const partition = fields.partition.trim();
  const time = fields.time.trim();
  const cpus = fields.cpusPerTask.trim();
  const gpus = fields.gpus.trim();
  const account = fields.account.trim();
  if (partition) options.partition = partition;
  if (time) {
    if (/^(\d+-)?\d+(:\d+){0,2}$/.test(time)) options.time = time;
    else errors.time = 'time must be like 30, 2:00:00 or 1-12:00';
  }
  if (cpus) {
    const n = Number(cpus);
    if (Number.isInteger(n) && n >= 1 && n <= 4096) options.cpusPerTask = n;
    else errors.cpusPerTask = 'CPUs per task must be a whole number from 1 to 4096';
  }
  if (gpus) {
    if (/^([A-Za-z0-9_.-]+:)?\d+$/.test(gpus)) options.gpus = gpus;
    else errors.gpus = 'gpus must be a count or TYPE:COUNT';
  }
  if (account) options.account = account;
  const extra = fields.extra.split('\n').map((l) => l.trim()).filter(Boolean);
  if (extra.length > 20) errors.extra = 'at most 20 extra #SBATCH lines';
  else if (extra.some((l) => l.length > 200)) errors.extra = 'each extra #SBATCH line must be at most 200 characters';
  else if (extra.length) options.extra = extra;
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, options };
}

/** Maps the backend's `options.time`-style field errors back onto the form's field names. */
export function slurmFieldErrors(fieldErrors: { path: string; message: string }[]): Partial<Record<keyof SlurmFormFields, string>> {
  const out: Partial<Record<keyof SlurmFormFields, string>> = {};
  for (const e of fieldErrors) {
    const key = /^options\.(\w+)/.exec(e.path)?.[1];
    if (key && key in EMPTY_SLURM_FIELDS) out[key as keyof SlurmFormFields] = e.message;
  }
  return out;
}

// The launch form's Slurm fields as typed text, turned into the `options` of `slurm/submit`.
// Checked against the one schema (vocabulary/slurm-options.ts) so a bad value is shown beside its
// field before anything is sent; the backend checks again.
import { slurmOptionsSchema } from '../../../vocabulary/slurm-options';

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
  for (const key of ['partition', 'time', 'gpus', 'account'] as const) {
    const value = fields[key].trim();
    if (value) options[key] = value;
  }
  const cpus = fields.cpusPerTask.trim();
  if (cpus) options.cpusPerTask = Number(cpus);
  const extra = fields.extra.split('\n').map((l) => l.trim()).filter(Boolean);
  // The API's bounds on the list; the schema's rules on each line.
  if (extra.length > 20) errors.extra = 'at most 20 extra #SBATCH lines';
  else if (extra.some((l) => l.length > 200)) errors.extra = 'each extra #SBATCH line must be at most 200 characters';
  else if (extra.length) options.extra = extra;
  const checked = slurmOptionsSchema.safeParse(options);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const field = String(issue.path[0]) as keyof SlurmFormFields;
      errors[field] ??= issue.message;
    }
  }
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

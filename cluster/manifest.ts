// The job folder's manifest (job.json): what was planned, which array job runs which task, and
// the Slurm job ids once submitted. The login node writes it; tasks and `collect` only read it.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { slurmOptionsSchema } from './slurm-options';

export const MANIFEST_FILE = 'job.json';

const taskSchema = z.strictObject({
  index: z.number().int().min(0),
  /** The planned run's key (unique within the graph). */
  key: z.string(),
  name: z.string(),
  tags: z.array(z.string()),
  /** Folder of the task, relative to the job folder: config.json, store.sqlite. */
  dir: z.string(),
  /** For an RL branch: the parent task and the NTP step of the checkpoint it starts from. */
  branch: z.strictObject({ parent: z.number().int().min(0), step: z.number().int().min(0) }).nullable(),
});

const arraySchema = z.strictObject({
  /** Script file, relative to the job folder. */
  script: z.string(),
  /** Task indices in array order: array task i runs tasks[i]. */
  tasks: z.array(z.number().int().min(0)).min(1),
  /** The task this array waits for (all its tasks branch from it), or null. */
  after: z.number().int().min(0).nullable(),
  /** Slurm's job id, once submitted. */
  jobId: z.string().nullable(),
});

export const manifestSchema = z.strictObject({
  format: z.literal('ntp-rl-workbench/slurm-job'),
  version: z.literal(1),
  /** Random id: tags collected runs so that collecting twice adds nothing. */
  id: z.string().min(8),
  name: z.string(),
  createdAt: z.string(),
  /** Store schema version of the submitting workbench; nodes must run the same. */
  schemaVersion: z.number().int(),
  /** How the nodes start the workbench: node binary and the CLI entry, on a shared path. */
  workbench: z.strictObject({ node: z.string(), entry: z.string() }),
  options: slurmOptionsSchema,
  tasks: z.array(taskSchema),
  arrays: z.array(arraySchema),
});

export type JobManifest = z.infer<typeof manifestSchema>;
export type JobTask = JobManifest['tasks'][number];
export type JobArray = JobManifest['arrays'][number];

export function readManifest(jobDir: string): JobManifest {
  const file = path.join(jobDir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (is this a job folder made by --slurm?)' : (err as Error).message;
    throw new Error(`cannot read ${file}: ${why}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file} is not a workbench job manifest: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Written whole to a temporary file and renamed, so a reader never sees half a manifest. */
export function writeManifest(jobDir: string, manifest: JobManifest): void {
  const file = path.join(jobDir, MANIFEST_FILE);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

/** Slurm's id of one task (`<array job>_<array index>`), or null before submission. */
export function slurmTaskId(manifest: JobManifest, taskIndex: number): string | null {
  for (const array of manifest.arrays) {
    const at = array.tasks.indexOf(taskIndex);
    if (at >= 0) return array.jobId === null ? null : `${array.jobId}_${at}`;
  }
  return null;
}

export function taskStorePath(jobDir: string, task: JobTask): string {
  return path.join(jobDir, task.dir, 'store.sqlite');
}

export function taskConfigPath(jobDir: string, task: JobTask): string {
  return path.join(jobDir, task.dir, 'config.json');
}

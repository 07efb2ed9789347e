// Submits a job folder: the roots' array first, then each parent's branches with
// --dependency=afterok on that parent's array task. Job ids go into the manifest as they come.
import path from 'node:path';
import { readManifest, slurmTaskId, writeManifest, type JobManifest } from './manifest';
import { sbatch } from './slurm';

export function submitJobFolder(jobDir: string, env?: NodeJS.ProcessEnv): JobManifest {
  const manifest = readManifest(jobDir);
  for (const array of manifest.arrays) {
    if (array.jobId !== null) continue; // submitted by an earlier, interrupted call
    const dependency = array.after === null ? undefined : `afterok:${slurmTaskId(manifest, array.after)}`;
    array.jobId = sbatch(path.join(jobDir, array.script), { dependency, env, cwd: jobDir });
    writeManifest(jobDir, manifest);
  }
  return manifest;
}

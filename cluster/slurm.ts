// The Slurm commands the workbench uses (sbatch, squeue, scancel, sacct, scontrol), each with an
// error that says which command failed and what Slurm printed. Job state is read from Slurm, never
// guessed: sacct where the cluster keeps accounting, else scontrol while the job is still known.
import { spawnSync } from 'node:child_process';

export class SlurmError extends Error {}

function slurm(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(command, args, { env, encoding: 'utf8', timeout: 60_000 });
  if (r.error) {
    const why = (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH (is this a Slurm login node?)' : r.error.message;
    throw new SlurmError(`${command}: ${why}`);
  }
  if (r.status !== 0) throw new SlurmError(`${command} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** Submits a script; returns the job id. `dependency` is sbatch's --dependency value. */
export function sbatch(script: string, opts: { dependency?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const args = ['--parsable'];
  // A branch whose parent failed is cancelled (reason DependencyNeverSatisfied) instead of pending forever.
  if (opts.dependency) args.push(`--dependency=${opts.dependency}`, '--kill-on-invalid-dep=yes');
  if (opts.cwd) args.push(`--chdir=${opts.cwd}`);
  args.push(script);
  const out = slurm('sbatch', args, opts.env).trim();
  // --parsable prints "jobid" or "jobid;cluster".
  const id = out.split(';')[0]!;
  if (!/^\d+$/.test(id)) throw new SlurmError(`sbatch ${script} printed '${out}', not a job id`);
  return id;
}

export function scancel(jobIds: string[], env?: NodeJS.ProcessEnv): void {
  if (jobIds.length) slurm('scancel', jobIds, env);
}

/** Slurm's view of one task: its state, and for one that ended badly, why. */
export interface SlurmTaskState {
  /** e.g. PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL. */
  state: string;
  /** "CANCELLED by 0", "FAILED (NonZeroExitCode, exit code 1:0)": what to record on the run. */
  reason: string;
  /** Where it runs or ran, if known. */
  node: string | null;
}

const ACTIVE = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESIZING', 'SIGNALING', 'STAGE_OUT', 'STOPPED', 'RESV_DEL_HOLD', 'SPECIAL_EXIT']);

export function isActive(state: SlurmTaskState): boolean {
  return ACTIVE.has(state.state);
}

export function isFailure(state: SlurmTaskState): boolean {
  return !isActive(state) && state.state !== 'COMPLETED';
}

function describe(state: string, detail: string, reason: string | undefined, exitCode: string | undefined): string {
  const parts = [reason && reason !== 'None' ? reason : null, exitCode && exitCode !== '0:0' ? `exit code ${exitCode}` : null].filter(Boolean);
  return `Slurm: ${state}${detail ? ` ${detail}` : ''}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** sacct's allocation lines (-X) for these jobs; null when the cluster keeps no accounting. */
function fromSacct(jobIds: string[], env?: NodeJS.ProcessEnv): Map<string, SlurmTaskState> | null {
  let out: string;
  try {
    out = slurm('sacct', ['-X', '-n', '-P', '--format=JobID,State,ExitCode,Reason,NodeList', '-j', jobIds.join(',')], env);
  } catch (err) {
    if (err instanceof SlurmError && /accounting storage is disabled|not found on PATH/i.test(err.message)) return null;
    throw err;
  }
  const states = new Map<string, SlurmTaskState>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [id, stateField, exitCode, reason, node] = line.split('|');
    // "CANCELLED by 1234": the state, and who.
    const [state, ...detail] = (stateField ?? '').split(' ');
    states.set(id!, { state: state!, reason: describe(state!, detail.join(' '), reason, exitCode), node: node && node !== 'None assigned' ? node : null });
  }
  return states;
}

/** `scontrol show job -o`: every task of the jobs, while slurmctld still holds them (MinJobAge). */
function fromScontrol(jobIds: string[], env?: NodeJS.ProcessEnv): Map<string, SlurmTaskState> {
  const states = new Map<string, SlurmTaskState>();
  for (const jobId of jobIds) {
    let out: string;
    try {
      out = slurm('scontrol', ['show', 'job', '-o', jobId], env);
    } catch (err) {
      if (err instanceof SlurmError && /Invalid job id/i.test(err.message)) continue; // purged: unknown
      throw err;
    }
    for (const line of out.split('\n').filter(Boolean)) {
      const field = (name: string): string | undefined => new RegExp(`(?:^| )${name}=(\\S*)`).exec(line)?.[1];
      const state = field('JobState') ?? 'UNKNOWN';
      // A pending job's Reason says what it waits for; once ended, what went wrong.
      const s: SlurmTaskState = { state, reason: describe(state, '', field('Reason'), field('ExitCode')), node: field('NodeList') || null };
      const arrayJob = field('ArrayJobId');
      const arrayTasks = field('ArrayTaskId');
      if (arrayJob && arrayTasks) for (const i of expandIndices(arrayTasks)) states.set(`${arrayJob}_${i}`, s);
      else states.set(field('JobId')!, s);
    }
  }
  return states;
}

/** "0-2,5%4" (Slurm's array index list, with an optional %limit) -> [0, 1, 2, 5]. */
export function expandIndices(list: string): number[] {
  const out: number[] = [];
  for (const part of list.split('%')[0]!.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (!Number.isInteger(a)) continue;
    for (let i = a!; i <= (b ?? a!); i++) out.push(i);
  }
  return out;
}

/** State of each task id (`<job>_<i>`) of these array jobs; tasks Slurm no longer knows are absent. */
export function taskStates(jobIds: string[], env?: NodeJS.ProcessEnv): Map<string, SlurmTaskState> {
  if (jobIds.length === 0) return new Map();
  const accounted = fromSacct(jobIds, env);
  if (accounted) {
    // sacct folds a pending array into one line "123_[0-4]": spread it over its tasks.
    for (const [id, s] of [...accounted]) {
      const m = /^(\d+)_\[(.+)\]$/.exec(id);
      if (!m) continue;
      accounted.delete(id);
      for (const i of expandIndices(m[2]!)) accounted.set(`${m[1]}_${i}`, s);
    }
    return accounted;
  }
  return fromScontrol(jobIds, env);
}

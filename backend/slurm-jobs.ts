// The app's view of its Slurm jobs. Where it learns of them: the job folders under the jobs
// folder beside the store (`slurm-jobs/`), which is where both the app and `--slurm` on the CLI
// put them unless told `--workdir` elsewhere. No table in the store: the folder is the record
// (its job.json names the tasks and their array jobs), and it is what the nodes write into.
import fs from 'node:fs';
import path from 'node:path';
import type { SlurmJobView } from '../api/types';
import { collectJob, jobStatus } from '../cluster/collect';
import { MANIFEST_FILE } from '../cluster/manifest';
import type { RunStore } from '../db';
import type { EventHub } from './event-hub';

/** Job folder names under `root`, newest first. */
export function listJobFolders(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root)
    .filter((d) => fs.existsSync(path.join(root, d, MANIFEST_FILE)))
    .sort((a, b) => fs.statSync(path.join(root, b)).mtimeMs - fs.statSync(path.join(root, a)).mtimeMs);
}

/**
 * A job's tasks as Slurm (sacct/squeue) and their own stores see them. With `collectInto`, the
 * tasks that finished are first brought home into that store (idempotent).
 */
export function readJobView(dir: string, label: string, local: RunStore | null, collectInto: RunStore | null): SlurmJobView {
  if (collectInto) collectJob(dir, collectInto);
  const status = jobStatus(dir, local);
  return {
    job: label,
    name: status.name,
    finished: status.finished,
    tasks: status.tasks.map((t) => ({
      index: t.index, key: t.key, name: t.name, slurmId: t.slurmId,
      slurmState: t.slurm?.state ?? null, node: t.slurm?.node ?? null, reason: t.phase === 'failed' ? (t.slurm?.reason ?? null) : null,
      runStatus: t.run?.status ?? null, lastStep: t.run?.lastStep ?? null, totalSteps: t.run?.totalSteps ?? null,
      localRunId: t.localRunId, phase: t.phase,
    })),
  };
}

/** Every task is home: nothing more will change. */
const settled = (view: SlurmJobView) => view.finished && view.tasks.every((t) => t.localRunId !== null);

/**
 * While the app is open: every `everyMs` it reads each job that is not yet home, collects the
 * tasks that finished, and pushes `slurm/job` when a job's view changed. A job whose tasks are
 * all collected is not read again.
 */
export class SlurmWatcher {
  private readonly last = new Map<string, string>();
  private readonly done = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly o: { root: string; store: RunStore; hub: EventHub; everyMs: number }) {}

  start(): void {
    this.timer = setInterval(() => this.poll(), this.o.everyMs);
    this.timer.unref();
    this.poll();
  }

  /** Reads every unsettled job now (also after a submit, so the new job shows at once). */
  poll(): void {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const job of listJobFolders(this.o.root)) {
        if (this.done.has(job)) continue;
        let view: SlurmJobView;
        try {
          view = readJobView(path.join(this.o.root, job), job, this.o.store, this.o.store);
        } catch {
          continue; // a folder being written, Slurm briefly unreachable: the next poll reads it
        }
        const text = JSON.stringify(view);
        if (this.last.get(job) !== text) {
          this.last.set(job, text);
          this.o.hub.emit({ type: 'slurm/job', job: view });
        }
        if (settled(view)) this.done.add(job);
      }
    } finally {
      this.busy = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}

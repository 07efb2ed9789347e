// Who trains a queued run, and what a queued graph branch waits for. A claim is one UPDATE that
// moves a run from queued to running only if it is still queued, so of two processes on one store
// exactly one wins; the winner is recorded (who, pid, host) and its pid marks the run as live until
// the trainer records its own. Kept beside the store, not in it, so the store's row shape is unchanged.
import os from 'node:os';
import type { CreateRunInput } from './records';
import type { RunStore } from './store';
import { stmt } from './statements';

export interface Claimant {
  /** What claimed the run, e.g. `workbench sweep` or `workbench serve`. */
  who: string;
  pid: number;
  host: string;
}

export function thisProcess(who: string): Claimant {
  return { who, pid: process.pid, host: os.hostname() };
}

export interface RunClaim {
  claimedBy: string | null;
  pid: number | null;
  host: string | null;
  claimedAt: number | null;
}

/** True when this call moved the run from queued to running for `claimant`; false when it was not queued. */
export function claimQueuedRun(store: RunStore, runId: number, claimant: Claimant): boolean {
  const now = Date.now();
  const info = stmt(
    store.db,
    `UPDATE runs SET status = 'running', started_at = coalesce(started_at, ?), finished_at = NULL, error = NULL,
       pid = ?, host = ?, claimed_by = ?, claimed_pid = ?, claimed_host = ?, claimed_at = ?
     WHERE id = ? AND status = 'queued' AND (branch_step IS NULL OR parent_checkpoint_id IS NOT NULL)`,
  ).run(now, claimant.pid, claimant.host, claimant.who, claimant.pid, claimant.host, now, runId);
  return info.changes === 1;
}

export function runClaim(store: RunStore, runId: number): RunClaim | undefined {
  return stmt(store.db, 'SELECT claimed_by AS claimedBy, claimed_pid AS pid, claimed_host AS host, claimed_at AS claimedAt FROM runs WHERE id = ?').get(runId) as
    | RunClaim
    | undefined;
}

/** A queued run of a graph that starts from its parent's NTP checkpoint at `step`, once the parent completed. */
export function createBranchRun(store: RunStore, input: CreateRunInput & { parentRunId: number }, step: number): number {
  return store.db.transaction(() => {
    const id = store.createRun({ ...input, parentCheckpointId: null });
    stmt(store.db, 'UPDATE runs SET branch_step = ? WHERE id = ?').run(step, id);
    return id;
  })();
}

export interface PendingBranch {
  runId: number;
  parentRunId: number | null;
  step: number;
}

/** Queued branches still waiting for their parent's checkpoint (oldest first); `runIds` narrows the search. */
export function pendingBranches(store: RunStore, runIds?: readonly number[]): PendingBranch[] {
  const rows = stmt(
    store.db,
    `SELECT id AS runId, parent_run_id AS parentRunId, branch_step AS step FROM runs
     WHERE status = 'queued' AND branch_step IS NOT NULL AND parent_checkpoint_id IS NULL ORDER BY id`,
  ).all() as PendingBranch[];
  if (!runIds) return rows;
  const wanted = new Set(runIds);
  return rows.filter((r) => wanted.has(r.runId));
}

/** The step a run branched (or will branch) from: its recorded branch step, else its start checkpoint's. */
export function branchStep(store: RunStore, runId: number): number | null {
  const row = stmt(
    store.db,
    `SELECT coalesce(r.branch_step, c.step) AS step FROM runs r LEFT JOIN checkpoints c ON c.id = r.parent_checkpoint_id WHERE r.id = ?`,
  ).get(runId) as { step: number | null } | undefined;
  return row?.step ?? null;
}

/**
 * Gives a waiting branch its start: the config with `rl.fromCheckpoint` filled in, the checkpoint
 * link and the group key. Only while it is still queued and waiting; false when another process did it first.
 */
export function startBranch(store: RunStore, runId: number, start: { config: unknown; checkpointId: number; groupKey: string }): boolean {
  const info = stmt(
    store.db,
    `UPDATE runs SET config = ?, parent_checkpoint_id = ?, group_key = ?
     WHERE id = ? AND status = 'queued' AND branch_step IS NOT NULL AND parent_checkpoint_id IS NULL`,
  ).run(JSON.stringify(start.config), start.checkpointId, start.groupKey, runId);
  return info.changes === 1;
}

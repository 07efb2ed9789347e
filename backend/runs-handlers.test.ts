// runs/resume and runs/start on a real store. Resume: a run with a checkpoint continues from it; a
// run without one keeps every logged row until the caller asks for a restart from step 0
// (fromStart), which then trains it again from scratch with a real trainer process. Start: a
// branched config (a clone of an RL branch) is linked and grouped like the branch it copies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reply } from '../api/contract';
import type { WorkbenchEvent } from '../api/events';
import type { RunDetail } from '../api/types';
import { setPath } from '../vocabulary/config-paths';
import { openStore } from '../db';
import { groupKey, parseConfig } from '../vocabulary/experiment-config';
import { createWorkbenchService, type WorkbenchService } from './service';

const CONFIG = parseConfig({
  task: { kind: 'parity', d: 4, p_cot: 0.5 },
  model: { layers: 1, heads: 2, width: 16, mlpRatio: 2 },
  ntp: { steps: 6, batchSize: 8, evalEvery: 3, checkpointEvery: 3 },
  eval: { heldOut: 16 },
  backend: 'cpu',
});

let dir: string;
let dbPath: string;
let service: WorkbenchService;
const ids: Record<'noCheckpoint' | 'withCheckpoint' | 'empty', number> = { noCheckpoint: 0, withCheckpoint: 0, empty: 0 };

/** A stopped run that logged `loss` at steps 1..loggedSteps, with checkpoints at the given steps. */
function seedStopped(store: ReturnType<typeof openStore>, name: string, loggedSteps: number, checkpointSteps: number[]): number {
  const id = store.createRun({ name, config: CONFIG, seed: 0, groupKey: groupKey(CONFIG) });
  const rec = store.recorder(id);
  rec.markRunning({ backend: 'cpu', backendVersion: 'test', threads: 1, pid: process.pid });
  const rows = Array.from({ length: loggedSteps }, (_, i) => ({ key: 'loss', step: i + 1, phase: 'ntp' as const, value: 1 - i / 100, wallTime: i, samplesSeen: i * 8 }));
  rec.metrics(rows);
  for (const step of checkpointSteps) rec.checkpoint({ phase: 'ntp', step, bytes: new Uint8Array([step]), meta: { step } });
  rec.finish('stopped');
  return id;
}

async function call<T>(method: string, input: unknown): Promise<Reply<T>> {
  return (await service.call(method, input)) as Reply<T>;
}

function metricRows(id: number): number {
  const store = openStore(dbPath, { readonly: true });
  try {
    return store.db.prepare('SELECT count(*) FROM metrics WHERE run_id = ?').pluck().get(id) as number;
  } finally {
    store.close();
  }
}

function waitForStatus(runId: number, status: string, timeoutMs = 90_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`run ${runId} did not reach ${status}`)), timeoutMs);
    const unsubscribe = service.subscribe((event: WorkbenchEvent) => {
      if (event.type === 'run/status' && event.runId === runId && event.status === status) {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-resume-'));
  dbPath = join(dir, 'runs.sqlite');
  const store = openStore(dbPath);
  ids.noCheckpoint = seedStopped(store, 'no checkpoint', 30, []);
  ids.withCheckpoint = seedStopped(store, 'with checkpoint', 30, [20]);
  ids.empty = seedStopped(store, 'nothing logged', 0, []);
  store.close();
  service = await createWorkbenchService({ storePath: dbPath, mode: 'browser' });
});

afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('runs/resume', () => {
  it('refuses to resume a run without a checkpoint unless asked to restart, and keeps its rows', async () => {
    const reply = await call('runs/resume', { id: ids.noCheckpoint });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('conflict');
    expect(reply.error.message).toBe(
      `run ${ids.noCheckpoint} has no checkpoint to resume from: restarting it from step 0 drops its rows up to step 30; ask for that with fromStart: true`,
    );
    expect(metricRows(ids.noCheckpoint)).toBe(30);
    const run = await call<{ status: string }>('runs/get', { id: ids.noCheckpoint });
    expect(run.ok && run.data.status).toBe('stopped');
  });

  it('resumes a run from its checkpoint, dropping only what came after it', async () => {
    const reply = await call<{ fromStep: number | null }>('runs/resume', { id: ids.withCheckpoint });
    expect(reply).toMatchObject({ ok: true, data: { fromStep: 20 } });
    expect(metricRows(ids.withCheckpoint)).toBe(20);
    // A stop while it is queued or running leaves it resumable for the next test's store.
    await call('runs/stop', { id: ids.withCheckpoint });
  });

  it('restarts from step 0 on request: the old rows go and the run trains again', async () => {
    const done = waitForStatus(ids.noCheckpoint, 'completed');
    const reply = await call<{ fromStep: number | null }>('runs/resume', { id: ids.noCheckpoint, fromStart: true });
    expect(reply).toMatchObject({ ok: true, data: { fromStep: null } });
    await done;
    const run = await call<RunDetail>('runs/get', { id: ids.noCheckpoint });
    if (!run.ok) throw new Error(run.error.message);
    // The fresh run logged its own 6 steps; none of the 30 seeded ones survived.
    expect(run.data.metrics.loss).toMatchObject({ count: 6, lastStep: 6 });
  }, 120_000);

  it('a run that logged nothing restarts without being asked (there is nothing to lose)', async () => {
    const reply = await call<{ fromStep: number | null }>('runs/resume', { id: ids.empty });
    expect(reply).toMatchObject({ ok: true, data: { fromStep: null } });
    await call('runs/stop', { id: ids.empty });
  });
});

describe('runs/start of a branched config (what "Clone this run" sends for an RL branch)', () => {
  it('links and groups the run like runs/branch, and names a checkpoint that is not there', async () => {
    const get = async (id: number) => {
      const reply = await call<RunDetail>('runs/get', { id });
      if (!reply.ok) throw new Error(reply.error.message);
      return reply.data;
    };
    const checkpoint = (await get(ids.withCheckpoint)).checkpoints.find((c) => c.step === 20)!;
    const branch = await call<{ runIds: number[] }>('runs/branch', { checkpointId: checkpoint.id, overrides: { 'rl.steps': 2 } });
    if (!branch.ok) throw new Error(branch.error.message);
    const branched = await get(branch.data.runIds[0]!);
    await call('runs/stop', { id: branched.id });

    const clone = await call<{ runIds: number[] }>('runs/start', { config: branched.config, name: 'clone of the branch' });
    if (!clone.ok) throw new Error(clone.error.message);
    const cloned = await get(clone.data.runIds[0]!);
    await call('runs/stop', { id: cloned.id });
    expect(cloned).toMatchObject({ parentRunId: ids.withCheckpoint, parentCheckpointId: checkpoint.id, groupKey: branched.groupKey });

    const before = (await call<unknown[]>('runs/list', {})) as { ok: true; data: unknown[] };
    const missing = await call('runs/start', { config: setPath(branched.config, 'rl.fromCheckpoint.checkpointId', 9999) });
    expect(missing.ok).toBe(false);
    if (missing.ok) return;
    const message = `rl.fromCheckpoint: run ${ids.withCheckpoint} has no checkpoint 9999 in this store`;
    expect(missing.error).toEqual({ code: 'invalid-config', message, fieldErrors: [{ path: 'rl.fromCheckpoint', message }] });
    expect(((await call<unknown[]>('runs/list', {})) as typeof before).data).toHaveLength(before.data.length);
  });
});

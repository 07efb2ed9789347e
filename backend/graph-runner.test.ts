// Run graphs and run claims through the real service, on real store files with real (tiny)
// trainer processes: a branch waits for its parent's checkpoint, a stopped parent fails its
// dependant with the reason, and two services on one store never train the same run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkbenchEvent } from '../api/events';
import type { GraphProgress, GraphRunRef, RunDetail } from '../api/types';
import type { Reply } from '../api/contract';
import { openStore, runClaim } from '../db';
import { createWorkbenchService, type WorkbenchService } from './service';

const NTP = {
  task: { kind: 'parity', d: 4, p_cot: 0.5 },
  model: { layers: 1, heads: 2, width: 16, mlpRatio: 2 },
  ntp: { steps: 6, batchSize: 8, evalEvery: 0, checkpointEvery: 3 },
  rl: null,
  eval: { heldOut: 8 },
  backend: 'cpu',
};
const RL_BRANCH = { ...NTP, ntp: { ...NTP.ntp, steps: 0 }, rl: { algorithm: 'grpo', steps: 2, promptsPerStep: 2, groupSize: 2, evalEvery: 0 } };

let dir: string;
let db: string;
const services: WorkbenchService[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-graph-'));
  db = join(dir, 'runs.sqlite');
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(options: Partial<Parameters<typeof createWorkbenchService>[0]> = {}): Promise<WorkbenchService> {
  const s = await createWorkbenchService({ storePath: db, mode: 'cli', adoptQueued: false, concurrency: 4, ...options });
  services.push(s);
  return s;
}

async function call<T>(service: WorkbenchService, method: string, input: unknown): Promise<T> {
  const reply = (await service.call(method, input)) as Reply<T>;
  if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
  return reply.data;
}

function settled(service: WorkbenchService, graphId: number, timeoutMs = 120_000): Promise<GraphProgress> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`graph ${graphId} did not settle`)), timeoutMs);
    const check = (p: GraphProgress) => {
      if (!p.settled) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(p);
    };
    const unsubscribe = service.subscribe((e) => e.type === 'graph/progress' && e.progress.graphId === graphId && check(e.progress));
    void call<GraphProgress>(service, 'graph/get', { graphId }).then(check);
  });
}

describe('run graphs in the service', () => {
  it('trains independent runs at once, then a branch from its parent checkpoint at the chosen step', async () => {
    const service = await open({ cores: 2 });
    const events: WorkbenchEvent[] = [];
    service.subscribe((e) => events.push(e));
    const { graphId, runs } = await call<{ graphId: number; runs: GraphRunRef[] }>(service, 'graph/submit', {
      runs: [
        { key: 'a', name: 'a', config: NTP, tags: ['t'], branch: null },
        { key: 'a-rl', name: 'a-rl', config: RL_BRANCH, tags: ['t'], branch: { from: 'a', phase: 'ntp', step: 3 } },
        { key: 'b', name: 'b', config: { ...NTP, seed: 1 }, tags: ['t'], branch: null },
      ],
    });
    const [a, aRl, b] = runs.map((r) => r.runId) as [number, number, number];
    const progress = await settled(service, graphId);
    expect(progress).toMatchObject({ total: 3, done: 3, failed: 0, running: 0, waiting: 0 });

    // a and b were running at the same time; the branch started only after a completed.
    const order = events.filter((e): e is Extract<WorkbenchEvent, { type: 'run/status' }> => e.type === 'run/status').map((e) => `${e.runId}:${e.status}`);
    const at = (s: string) => order.indexOf(s);
    expect(at(`${a}:running`)).toBeLessThan(at(`${b}:completed`));
    expect(at(`${b}:running`)).toBeLessThan(at(`${a}:completed`));
    expect(at(`${aRl}:running`)).toBeGreaterThan(at(`${a}:completed`));

    const branch = await call<RunDetail>(service, 'runs/get', { id: aRl });
    const parent = await call<RunDetail>(service, 'runs/get', { id: a });
    const step3 = parent.checkpoints.find((c) => c.phase === 'ntp' && c.step === 3)!;
    expect(branch.config.rl?.fromCheckpoint).toEqual({ runId: a, checkpointId: step3.id });
    expect([branch.parentRunId, branch.parentCheckpointId]).toEqual([a, step3.id]);
  }, 180_000);

  it('fails the dependants of a stopped parent with the reason; a graph stop leaves the rest queued', async () => {
    const service = await open({ cores: 1 });
    const long = { ...NTP, ntp: { ...NTP.ntp, steps: 600, checkpointEvery: 300 } };
    const submit = (key: string) =>
      call<{ graphId: number; runs: GraphRunRef[] }>(service, 'graph/submit', {
        runs: [
          { key, name: key, config: long, tags: [], branch: null },
          { key: `${key}-rl`, name: `${key}-rl`, config: RL_BRANCH, tags: [], branch: { from: key, phase: 'ntp', step: 300 } },
        ],
      });
    const first = await submit('p');
    const [parentId, childId] = first.runs.map((r) => r.runId) as [number, number];
    await new Promise<void>((resolve) => {
      const off = service.subscribe((e) => e.type === 'run/status' && e.runId === parentId && e.status === 'running' && (off(), resolve()));
    });
    await call(service, 'runs/stop', { id: parentId });
    await settled(service, first.graphId);
    const child = await call<RunDetail>(service, 'runs/get', { id: childId });
    expect(child.status).toBe('failed');
    expect(child.error).toMatch(new RegExp(`^parent run ${parentId} stopped`));

    const second = await submit('q');
    const [qId, qChild] = second.runs.map((r) => r.runId) as [number, number];
    await new Promise<void>((resolve) => {
      const off = service.subscribe((e) => e.type === 'run/status' && e.runId === qId && e.status === 'running' && (off(), resolve()));
    });
    const stopped = await call<GraphProgress>(service, 'graph/stop', { graphId: second.graphId });
    expect(stopped.stopped).toBe(true);
    await settled(service, second.graphId);
    expect((await call<RunDetail>(service, 'runs/get', { id: qChild })).status).toBe('queued');
    expect((await call<RunDetail>(service, 'runs/get', { id: qId })).status).toBe('stopped');
  }, 180_000);

  it('refuses a branch from a step its parent never checkpoints at, before writing anything', async () => {
    const service = await open();
    const reply = await service.call('graph/submit', {
      runs: [
        { key: 'a', name: 'a', config: NTP, tags: [], branch: null },
        { key: 'b', name: 'b', config: RL_BRANCH, tags: [], branch: { from: 'a', phase: 'ntp', step: 4 } },
      ],
    });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.fieldErrors?.[0]).toEqual({ path: 'runs.1.branch.step', message: "run 'b' branches from step 4 of 'a', which saves NTP checkpoints only at steps 3, 6" });
    expect(await call<unknown[]>(service, 'runs/list', {})).toEqual([]);
  });
});

describe('run claims between two services on one store', () => {
  it('a run the other service claimed is waited for and reported, never trained twice', async () => {
    const cli = await open({ cores: 1, claimant: 'workbench sweep' });
    const { graphId, runs } = await call<{ graphId: number; runs: GraphRunRef[] }>(cli, 'graph/submit', {
      runs: [
        { key: 'a', name: 'a', config: NTP, tags: [], branch: null },
        { key: 'b', name: 'b', config: { ...NTP, seed: 1 }, tags: [], branch: null },
      ],
    });
    const [a, b] = runs.map((r) => r.runId) as [number, number];
    // With one core the CLI trains a first; a server opening the store now takes b.
    const server = await open({ mode: 'browser', adoptQueued: true, claimant: 'workbench serve' });
    const cliEvents: WorkbenchEvent[] = [];
    cli.subscribe((e) => cliEvents.push(e));
    const progress = await settled(cli, graphId);
    expect(progress).toMatchObject({ total: 2, done: 2, failed: 0 });
    const store = openStore(db, { readonly: true });
    try {
      expect(runClaim(store, a)?.claimedBy).toBe('workbench sweep');
      expect(runClaim(store, b)?.claimedBy).toBe('workbench serve');
      expect(runClaim(store, b)?.pid).toBe(process.pid);
    } finally {
      store.close();
    }
    // The CLI reported b's end (from the store), without a final summary of its own.
    const bEnd = cliEvents.find((e) => e.type === 'run/status' && e.runId === b && e.status === 'completed');
    expect(bEnd).toBeDefined();
    expect(bEnd && 'final' in bEnd ? bEnd.final : undefined).toBeUndefined();
    void server;
  }, 180_000);
});

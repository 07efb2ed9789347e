// The real thing: a single-node Slurm cluster (munged, slurmctld, slurmd as root), a graph with a
// dependency submitted to it, collected home and compared with the same configs run here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type RunDetail } from '../db';
import { getPreset } from '../paper/presets';
import { groupKey, parseConfig, type ExperimentConfig } from '../vocabulary/experiment-config';
import type { RunGraph } from '../vocabulary/run-graph';
import { runCliInProcess } from '../cli/testing/run-in-process';
import { createJobFolder } from './job-folder';
import { readManifest, slurmTaskId } from './manifest';
import { submitJobFolder } from './submit';
import { taskStates } from './slurm';
import { jobStatus } from './collect';
import { clusterUnavailable, LocalCluster } from './testing/local-cluster';
import { createWorkbenchService } from '../backend/service';
import type { Reply } from '../api/contract';
import type { SlurmJobView } from '../api/types';

const why = clusterUnavailable();
if (why) console.warn(`skipping the Slurm cluster tests: ${why}`);

let cluster: LocalCluster;
let dir: string;

beforeAll(async () => {
  if (why) return;
  cluster = await LocalCluster.start();
  // sbatch, squeue and scontrol in this process (and the CLI run in it) talk to the test cluster.
  process.env.SLURM_CONF = cluster.confPath;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-slurm-test-'));
}, 60_000);

afterAll(async () => {
  if (why) return;
  await cluster?.stop();
  delete process.env.SLURM_CONF;
  fs.rmSync(dir, { recursive: true, force: true });
});

const tiny = getPreset('tiny')!.config;
/** Tiny NTP, checkpoints at steps 15 and 30; its RL branch from step 30. */
const ntpConfig = parseConfig({ ...tiny, name: 'slurm-ntp', ntp: { ...tiny.ntp, steps: 30, checkpointEvery: 15 }, rl: null });
const rlConfig = parseConfig({ ...tiny, name: 'slurm-rl', ntp: { ...tiny.ntp, steps: 0 }, rl: { ...tiny.rl!, steps: 4, evalEvery: 2 } });

const graph: RunGraph = {
  runs: [
    { key: 'ntp#0', name: 'ntp seed=0', config: ntpConfig, tags: ['study:slurm-test'], branch: null },
    { key: 'rl#0', name: 'rl from ntp@30 seed=0', config: rlConfig, tags: ['study:slurm-test'], branch: { from: 'ntp#0', phase: 'ntp', step: 30 } },
  ],
};

/** Final value of every metric except the timing ones (wall-clock time differs, nothing else may). */
function finals(run: RunDetail): Record<string, number | null> {
  return Object.fromEntries(Object.entries(run.metrics).filter(([k]) => !/time/i.test(k)).map(([k, s]) => [k, s.lastValue]).sort());
}

function waitUntil(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    let lastError = '';
    const tick = () => {
      try {
        if (ok()) return resolve();
      } catch (err) {
        lastError = `\nlast error: ${(err as Error).message}`;
      }
      if (Date.now() > until) return reject(new Error(`timed out waiting for ${what}${lastError}:\n${cluster.logs()}`));
      setTimeout(tick, 500);
    };
    tick();
  });
}

describe.skipIf(why !== null)('a run graph on a real Slurm cluster', () => {
  it('trains NTP and its RL branch as dependent tasks, collects them equal to a local run, and collecting again adds nothing', async () => {
    const jobDir = path.join(dir, 'graph-job');
    const localDb = path.join(dir, 'collected.sqlite');
    const started = Date.now();
    createJobFolder({ graph, dir: jobDir, name: 'graph-test', options: { extra: [] } });
    const manifest = submitJobFolder(jobDir, cluster.env);
    expect(manifest.arrays.map((a) => a.jobId)).toEqual([expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d+$/)]);
    // The branch waits for its parent's array task.
    const pending = taskStates([manifest.arrays[1]!.jobId!], cluster.env).get(slurmTaskId(manifest, 1)!);
    expect(['PENDING', 'RUNNING', 'COMPLETED']).toContain(pending?.state);

    // Meanwhile the same configs here, one store, the branch from the local checkpoint at step 30.
    const referenceDb = path.join(dir, 'reference.sqlite');
    const ntpFile = path.join(dir, 'ntp.json');
    fs.writeFileSync(ntpFile, JSON.stringify(ntpConfig));
    const ntpLocal = await runCliInProcess(['run', '--config', ntpFile, '--db', referenceDb]);
    expect(ntpLocal.code, ntpLocal.stderr).toBe(0);
    const reference = openStore(referenceDb);
    const refNtpId = (JSON.parse(ntpLocal.stdout) as { runId: number }).runId;
    const refCkpt = reference.listCheckpoints(refNtpId).find((c) => c.step === 30)!;
    reference.close();
    const rlFile = path.join(dir, 'rl.json');
    fs.writeFileSync(rlFile, JSON.stringify({ ...rlConfig, rl: { ...rlConfig.rl, fromCheckpoint: { runId: refNtpId, checkpointId: refCkpt.id } } }));
    const rlLocal = await runCliInProcess(['run', '--config', rlFile, '--db', referenceDb]);
    expect(rlLocal.code, rlLocal.stderr).toBe(0);

    const collected = await runCliInProcess(['collect', jobDir, '--db', localDb, '--follow', '--every', '1']);
    const seconds = (Date.now() - started) / 1000;
    console.log(`graph of 2 tasks (NTP 30 steps -> GRPO 4 steps): submit to collected ${seconds.toFixed(1)} s, local reference included`);
    expect(collected.code, `${collected.stderr}\n${fs.readdirSync(path.join(jobDir, 'logs')).map((f) => fs.readFileSync(path.join(jobDir, 'logs', f), 'utf8')).join('\n')}`).toBe(0);
    const first = JSON.parse(collected.stdout) as { collected: { key: string; runId: number; status: string }[]; already: number; pending: number };
    expect(first.collected.map((c) => [c.key, c.status])).toEqual([['ntp#0', 'completed'], ['rl#0', 'completed']]);

    const local = openStore(localDb);
    const ref = openStore(referenceDb);
    try {
      const [ntp, rl] = first.collected.map((c) => local.getRun(c.runId)!);
      const [refNtp, refRl] = [ref.getRun(refNtpId)!, ref.getRun((JSON.parse(rlLocal.stdout) as { runId: number }).runId)!];
      // The trainer is deterministic: the cluster's runs measured exactly what the local ones did.
      expect(finals(ntp!)).toEqual(finals(refNtp));
      expect(finals(rl!)).toEqual(finals(refRl));
      expect(Object.keys(finals(rl!))).toContain('eval/greedy_accuracy');
      // The branch is linked to the collected parent and its checkpoint, and named as planned.
      expect(rl!.parentRunId).toBe(ntp!.id);
      expect(local.listCheckpoints(ntp!.id).find((c) => c.id === rl!.parentCheckpointId)?.step).toBe(30);
      expect((rl!.config as ExperimentConfig).rl!.fromCheckpoint).toEqual({ runId: ntp!.id, checkpointId: rl!.parentCheckpointId });
      expect(rl!.name).toBe('rl from ntp@30 seed=0');
      expect(rl!.tags).toContain('study:slurm-test');
      // Grouped as reproduce groups a branch: by its config and its parent's checkpoint step.
      expect(rl!.groupKey).toBe(groupKey(refRl.config as ExperimentConfig, 30));
      expect(rl!.groupKey).not.toBe(refRl.groupKey);
      // Only the task's own run came home: the branch's copy of its parent stayed in the job folder.
      expect(local.allRunIds()).toHaveLength(2);
    } finally {
      local.close();
      ref.close();
    }

    const before = fs.statSync(localDb).size;
    const again = await runCliInProcess(['collect', jobDir, '--db', localDb]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ collected: [], already: 2, pending: 0 });
    const after = openStore(localDb);
    try {
      expect(after.allRunIds()).toHaveLength(2);
    } finally {
      after.close();
    }
    expect(fs.statSync(localDb).size).toBeGreaterThanOrEqual(before);
  }, 600_000);

  it('a sweep submitted with --slurm and cancelled with scancel comes home as failed, with Slurm\'s reason', async () => {
    const db = path.join(dir, 'sweep.sqlite');
    const workdir = path.join(dir, 'sweep-job');
    // Long enough that it is still training when cancelled.
    const submitted = await runCliInProcess(['sweep', '--preset', 'tiny', '--set', 'ntp.steps=100000', '--grid', 'seed=0,1', '--db', db,
      '--slurm', '--workdir', workdir, '--time', '30', '--sbatch=--comment=workbench-test']);
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(JSON.parse(submitted.stdout)).toMatchObject({ jobDir: workdir, tasks: 2 });
    const script = fs.readFileSync(path.join(workdir, 'scripts', 'roots.sbatch'), 'utf8');
    expect(script).toContain('#SBATCH --time=30');
    expect(script).toContain('#SBATCH --comment=workbench-test');
    expect(script).toContain('#SBATCH --array=0-1');

    const manifest = readManifest(workdir);
    const taskStore = path.join(workdir, manifest.tasks[0]!.dir, 'store.sqlite');
    // Cancel once the first task is training (its store has a run with a step logged).
    await waitUntil('task 0 to log a step', () => {
      return (jobStatus(workdir, null, cluster.env).tasks[0]?.run?.lastStep ?? 0) > 0;
    }, 240_000);
    expect(fs.existsSync(taskStore)).toBe(true);
    const cancelled = await runCliInProcess(['slurm', 'cancel', workdir]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    await waitUntil('Slurm to end the tasks', () => [...taskStates([manifest.arrays[0]!.jobId!], cluster.env).values()].every((s) => s.state === 'CANCELLED'), 60_000);

    const collected = await runCliInProcess(['collect', workdir, '--db', db]);
    expect(collected.code).toBe(1); // a collected task failed
    const result = JSON.parse(collected.stdout) as { collected: { runId: number; status: string }[] };
    expect(result.collected.map((c) => c.status)).toEqual(['failed', 'failed']);
    const store = openStore(db);
    try {
      const trained = store.getRun(result.collected[0]!.runId)!;
      expect(trained.error).toMatch(/^Slurm: CANCELLED/);
      // What it logged before the kill came home with it.
      expect(trained.lastStep).toBeGreaterThan(0);
      expect(store.getRun(result.collected[1]!.runId)!.error).toMatch(/Slurm: CANCELLED/);
    } finally {
      store.close();
    }
    const again = await runCliInProcess(['collect', workdir, '--db', db]);
    expect(JSON.parse(again.stdout)).toMatchObject({ collected: [], already: 2, pending: 0 });
  }, 400_000);

  it('the service submits a sweep to Slurm and its status shows the runs, collected once they finish', async () => {
    const storePath = path.join(dir, 'service', 'runs.sqlite');
    fs.mkdirSync(path.dirname(storePath));
    const service = await createWorkbenchService({ storePath, mode: 'browser' });
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const reply = (await service.call(method, input)) as Reply<T>;
      if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
      return reply.data;
    };
    try {
      const bad = (await service.call('slurm/submit', { config: ntpConfig, options: { time: 'soon' } })) as Reply<unknown>;
      expect(bad.ok || bad.error.message).toBe('options.time: time must be like 30, 2:00:00 or 1-12:00');
      const submitted = await call<{ job: string; tasks: number }>('slurm/submit', { config: { ...ntpConfig, ntp: { ...ntpConfig.ntp, steps: 10 } }, name: 'from the app', sweep: [{ path: 'seed', values: [0, 1] }] });
      expect(submitted.tasks).toBe(2);
      expect(await call<string[]>('slurm/jobs', {})).toEqual([submitted.job]);
      let view = await call<SlurmJobView>('slurm/status', { job: submitted.job });
      expect(view.tasks.map((t) => t.phase).every((p) => ['waiting', 'running', 'collected'].includes(p))).toBe(true);
      const until = Date.now() + 240_000;
      while (!view.tasks.every((t) => t.phase === 'collected') && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 1000));
        view = await call<SlurmJobView>('slurm/status', { job: submitted.job });
      }
      expect(view.tasks.map((t) => t.phase)).toEqual(['collected', 'collected']);
      const runs = await call<{ id: number; status: string; seed: number }[]>('runs/list', {});
      expect(runs.map((r) => [r.status, r.seed]).sort()).toEqual([['completed', 0], ['completed', 1]]);
      const missing = (await service.call('slurm/status', { job: '../etc' })) as Reply<unknown>;
      expect(missing.ok).toBe(false);
    } finally {
      await service.close();
    }
  }, 300_000);

  it('while the app is open it watches its Slurm jobs: queued/running with progress from the task store, then collected on its own', async () => {
    const storePath = path.join(dir, 'watched', 'runs.sqlite');
    fs.mkdirSync(path.dirname(storePath));
    const service = await createWorkbenchService({ storePath, mode: 'browser', slurmWatchMs: 300 });
    const views: SlurmJobView[] = [];
    const unsubscribe = service.subscribe((e) => {
      if (e.type === 'slurm/job') views.push(e.job);
    });
    try {
      // Submitted as the CLI submits (`sweep --slurm` into the jobs folder beside the store): the app learns of it from the folder.
      const submitted = await runCliInProcess(['sweep', '--preset', 'tiny', '--set', 'ntp.steps=12', '--set', 'rl=null', '--grid', 'seed=0', '--db', storePath, '--slurm']);
      expect(submitted.code, submitted.stderr).toBe(0);
      const job = path.basename((JSON.parse(submitted.stdout) as { jobDir: string }).jobDir);
      await waitUntil('the watcher to bring the task home', () => views.at(-1)?.tasks[0]?.phase === 'collected', 240_000);
      const seen = views.filter((v) => v.job === job).map((v) => v.tasks[0]!);
      // Pushed while on the cluster (queued or running, with Slurm's state), then home as a run of this store.
      expect(seen[0]!.phase).toMatch(/^(waiting|running)$/);
      expect(seen[0]!.slurmState).toMatch(/^(PENDING|RUNNING|COMPLETED)$/);
      expect(seen.some((t) => t.lastStep !== null && t.totalSteps === 12)).toBe(true);
      const home = seen.at(-1)!;
      const runs = (await service.call('runs/list', {})) as Reply<{ id: number; status: string }[]>;
      expect(runs.ok && runs.data.map((r) => [r.id, r.status])).toEqual([[home.localRunId, 'completed']]);
      // Settled: nothing more is pushed for it.
      const count = views.length;
      await new Promise((r) => setTimeout(r, 1000));
      expect(views.length).toBe(count);
    } finally {
      unsubscribe();
      await service.close();
    }
  }, 300_000);
});

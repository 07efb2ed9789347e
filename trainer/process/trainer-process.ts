// The trainer process entry. Runs as a Node child process (process.send / 'message') or as an
// Electron utilityProcess (process.parentPort); it detects which. It writes the run's data to the
// SQLite store itself and always leaves the run in a terminal state: completed, stopped, failed, or
// interrupted when its parent (the server or CLI that supervised it) went away.
import { openStore, type RunStore } from '../../db';
import type { RunRecorder } from '../../db/types';
import { initBackend } from '../compute/tfjs-runtime';
import { validateConfig } from '../../vocabulary/experiment-config';
import os from 'node:os';
import { resolveWorkers, runExperiment, type ExperimentHooks, type ExperimentSink } from '../algorithms/experiment';
import { disposeStartPoint, loadStartPoint } from '../algorithms/start-point';
import { describeIssues, parentToChildSchema, type ChildToParent, type StartMessage } from './protocol';

// ---- the channel to the parent ----

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

interface Channel {
  send(message: ChildToParent): Promise<void>;
  onMessage(listener: (message: unknown) => void): void;
}

function detectChannel(): Channel | null {
  const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (port) {
    return {
      send: async (m) => port.postMessage(m),
      onMessage: (l) => port.on('message', (e) => l(e.data)),
    };
  }
  if (typeof process.send === 'function') {
    return {
      send: (m) => new Promise((resolve) => {
        if (!process.connected) return resolve();
        process.send!(m, undefined, {}, () => resolve());
      }),
      onMessage: (l) => process.on('message', l),
    };
  }
  return null;
}

// ---- a failure injected on purpose (tests of the failure path) ----

/** WORKBENCH_FAIL_AT_STEP=N (or "rl:N") makes step N (0-based, NTP unless named) throw. */
export function failureHookFromEnv(env: NodeJS.ProcessEnv): ExperimentHooks | undefined {
  const spec = env.WORKBENCH_FAIL_AT_STEP;
  if (!spec) return undefined;
  const [phase, n] = spec.includes(':') ? spec.split(':') : ['ntp', spec];
  const at = Number(n);
  return {
    beforeStep(p, step) {
      if (p === phase && step === at) throw new Error(`injected failure at ${p} step ${step} (WORKBENCH_FAIL_AT_STEP=${spec})`);
    },
  };
}

// ---- one run ----

/** The run in progress, so an uncaught error can still mark it failed before the process dies. */
let active: { runId: number; recorder: RunRecorder; channel: Channel } | null = null;

/** Why a run ends `interrupted` when its supervisor vanished: a stop nobody asked for is not a user's stop. */
export function parentGoneReason(parentPid: number): string {
  return `the server or CLI that ran this trainer (process ${parentPid}) went away; resume the run to continue from its last checkpoint`;
}

/** Read at start: once the parent dies, process.ppid names whoever adopted us. */
const PARENT_PID = process.ppid;

async function run(msg: StartMessage, channel: Channel, signal: AbortSignal, parentGone: () => boolean): Promise<number> {
  const t0 = performance.now();
  const { runId } = msg;
  let recorder: RunRecorder | null = null;
  let store: ReturnType<typeof openStore> | null = null;
  try {
    // The process that started this trainer checked the file on its own open (quick_check costs
    // about 2 s per 150 MB under load); a trainer start should not pay that again.
    store = openStore(msg.dbPath, { integrity: 'none' });
    recorder = store.recorder(runId);
    active = { runId, recorder, channel };
    const checked = validateConfig(msg.config);
    if (!checked.ok) throw new Error(`invalid config: ${checked.errors.map((e) => e.message).join('; ')}`);
    const config = checked.config;

    const initialised = await initBackend(config.backend);
    // data-parallel replicas: the run's share of the core budget, or every core when none was given
    const workers = resolveWorkers(config.workers, msg.workers ?? os.availableParallelism(), initialised.name);
    const backend = workers > 1
      ? { ...initialised, threads: workers, note: `${initialised.note}; ${workers} data-parallel workers` }
      : initialised;
    recorder.markRunning({ backend: backend.name, backendVersion: backend.version, threads: backend.threads, pid: process.pid });
    await channel.send({ type: 'started', runId, backend, pid: process.pid });

    // where training starts: scratch, a branch's checkpoint, or this run's own (resume)
    const start = loadStartPoint(store, runId, config);
    const rec = recorder;
    const sink: ExperimentSink = {
      metrics: (rows) => rec.metrics(rows),
      samples: (rows) => {
        rec.samples(rows);
        void channel.send({ type: 'sample', runId, samples: rows });
      },
      checkpoint: (c) => rec.checkpoint(c),
      checkpointSaved: (c) => void channel.send({ type: 'checkpoint', runId, ...c }),
      progress: (ev) => void channel.send({ type: 'progress', runId, ...ev }),
    };
    try {
      const result = await runExperiment(config, sink, signal, { start, workers, hooks: failureHookFromEnv(process.env) });
      if (result.status === 'stopped' && parentGone()) {
        const reason = parentGoneReason(PARENT_PID);
        recorder.finish('interrupted', reason);
        await channel.send({ type: 'failed', runId, reason, interrupted: true });
        return 1;
      }
      recorder.finish(result.status);
      await channel.send({
        type: 'done', runId, status: result.status, summary: result.summary,
        backend: backend.name, wallSeconds: (performance.now() - t0) / 1000,
      });
      return 0;
    } finally {
      disposeStartPoint(start);
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    try {
      recorder?.finish('failed', reason);
    } catch (e) {
      process.stderr.write(`trainer: could not mark run ${runId} failed: ${String(e)}\n`);
    }
    if (!recorder) process.stderr.write(`trainer: run ${runId} failed before it could be recorded: ${reason}\n`);
    await channel.send({ type: 'failed', runId, reason });
    return 1;
  } finally {
    active = null;
    try {
      store?.close();
    } catch {
      /* already closed */
    }
  }
}

function main(): void {
  const channel = detectChannel();
  if (!channel) {
    process.stderr.write('trainer/process/trainer-process.ts runs as a child process (fork or utilityProcess), not directly\n');
    process.exit(2);
  }
  const abort = new AbortController();
  let running = false;
  let parentGone = false;
  channel.onMessage((raw) => {
    const parsed = parentToChildSchema.safeParse(raw);
    if (!parsed.success) {
      process.stderr.write(`trainer: ignoring malformed message (${describeIssues(parsed.error)})\n`);
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'stop') {
      abort.abort();
      if (!running) process.exit(0);
      return;
    }
    if (running) return; // one run per process
    running = true;
    void run(msg, channel, abort.signal, () => parentGone).then((code) => {
      // let the last message reach the parent, then leave (TF.js may hold handles open)
      setTimeout(() => process.exit(code), 50);
    });
  });
  // a parent that goes away takes the run with it: stop at the next step, record it interrupted
  process.on('disconnect', () => {
    parentGone = true;
    abort.abort();
  });
  // errors outside the awaited chain (a timer, a native callback): record them, then leave
  const die = (err: unknown) => {
    const reason = `trainer crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    process.stderr.write(`${reason}\n`);
    const a = active;
    if (!a) process.exit(1);
    try {
      a.recorder.finish('failed', reason.split('\n')[0]);
    } catch {
      /* the store may be what failed */
    }
    void a.channel.send({ type: 'failed', runId: a.runId, reason: reason.split('\n')[0] }).finally(() => process.exit(1));
  };
  process.on('uncaughtException', die);
  process.on('unhandledRejection', die);
}

main();

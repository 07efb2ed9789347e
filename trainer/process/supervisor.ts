// Parent side of the trainer process: spawn it (Node fork by default, any TrainerChild for Electron),
// validate what it says, stop it promptly, and always settle `done`, even when the child dies.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  childToParentSchema,
  describeIssues,
  type ChildToParent,
  type FailedMessage,
  type FinalMessage,
  type ParentToChild,
} from './protocol';

export type * from './protocol';

export interface TrainerChild {
  send(message: ParentToChild): void;
  /** Raw messages; the supervisor validates them. */
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** Hard kill (SIGKILL where possible). */
  kill(): void;
  readonly pid: number | undefined;
}
export type SpawnTrainer = () => TrainerChild;

export const TRAINER_ENTRY = fileURLToPath(new URL('./trainer-process.ts', import.meta.url));

/** Default spawner: a Node child process running trainer/process/trainer-process.ts through tsx. */
export function forkTrainer(env: NodeJS.ProcessEnv = process.env): TrainerChild {
  const child = fork(TRAINER_ENTRY, [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    env,
    // the child's stdout goes to our stderr: the CLI's stdout carries only its JSON summary
    stdio: ['ignore', 2, 2, 'ipc'],
  });
  return {
    send: (m) => {
      if (child.connected) child.send(m);
    },
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.on('exit', (code, signal) => l(code, signal)),
    kill: () => child.kill('SIGKILL'),
    get pid() {
      return child.pid;
    },
  };
}

export interface StartTrainerOptions {
  runId: number;
  dbPath: string;
  /** Validated again by the child. */
  config: unknown;
  /** Cores the run may use (its share of the core budget); absent: all of them. */
  workers?: number;
  spawn?: SpawnTrainer;
  /** How long stop() waits for a clean 'done' before killing. */
  stopGraceMs?: number;
}

export interface TrainerHandle {
  readonly runId: number;
  readonly pid: number | undefined;
  /** Every validated message from the child; returns an unsubscribe function. */
  events(listener: (message: ChildToParent) => void): () => void;
  /** Asks the child to stop after its current step; kills it if it has not finished in the grace period. */
  stop(): void;
  /** Settles once: 'done' (completed/stopped) or 'failed' (interrupted: true when the child died silently). */
  readonly done: Promise<FinalMessage>;
}

export function startTrainer(opts: StartTrainerOptions): TrainerHandle {
  const child = (opts.spawn ?? forkTrainer)();
  const listeners = new Set<(m: ChildToParent) => void>();
  const grace = opts.stopGraceMs ?? 10_000;
  let final: FinalMessage | null = null;
  let killTimer: NodeJS.Timeout | null = null;
  let settle!: (m: FinalMessage) => void;
  const done = new Promise<FinalMessage>((resolve) => (settle = resolve));

  const finish = (m: FinalMessage) => {
    if (final) return;
    final = m;
    if (killTimer) clearTimeout(killTimer);
    settle(m);
  };
  const failed = (reason: string, interrupted: boolean): FailedMessage => ({ type: 'failed', runId: opts.runId, reason, interrupted });

  child.onMessage((raw) => {
    const parsed = childToParentSchema.safeParse(raw);
    if (!parsed.success) {
      process.stderr.write(`supervisor: malformed message from trainer ${child.pid}: ${describeIssues(parsed.error)}\n`);
      return;
    }
    const m = parsed.data;
    for (const l of listeners) {
      try {
        l(m);
      } catch (err) {
        process.stderr.write(`supervisor: event listener threw: ${String(err)}\n`);
      }
    }
    if (m.type === 'done' || m.type === 'failed') finish(m);
  });
  child.onExit((code, signal) => {
    // a child that exits without 'done'/'failed' crashed or was killed: never leave the caller waiting
    finish(failed(`trainer process exited (${signal ? `signal ${signal}` : `code ${code}`}) before finishing the run`, true));
  });

  child.send({ type: 'start', runId: opts.runId, dbPath: opts.dbPath, config: opts.config, workers: opts.workers });

  return {
    runId: opts.runId,
    get pid() {
      return child.pid;
    },
    events(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      if (final || killTimer) return;
      child.send({ type: 'stop' });
      killTimer = setTimeout(() => {
        if (!final) child.kill();
      }, grace);
    },
    done,
  };
}

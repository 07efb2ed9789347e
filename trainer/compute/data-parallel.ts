// Data parallelism within one run: N replicas of the model, the main thread's and N-1 worker
// threads' (dp-worker.ts, each with its own WASM backend), each computing the gradient of its shard
// of the batch (NTP's loss, RL's policy-gradient or STaR loss) or, in RL, sampling its shard of the
// rollouts (whole prompt groups, one rng stream per group). The gradients meet in one SharedArrayBuffer (a slot per replica, no per-tensor
// messages) and are summed in slot order, so a given worker count gives the same sum bit for bit;
// the caller applies one optimizer step, and the next step's weights reach every replica through a
// second shared buffer. Across worker counts only the float summation order differs.
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Generation } from '../model/generate';
import type { GPT } from '../model/model';
import {
  measureShard, PolicyShardCache, policyShardGradients, rolloutShard, shardGradients, STATS_PER_SLOT,
  type MeasureJob, type PolicyJob, type RolloutJob, type RolloutReply, type ShardJob, type SyncJob, type WorkerInit,
} from './dp-shared';

export type { MeasureJob, PolicyJob, RolloutJob, ShardJob } from './dp-shared';

const STEP_TIMEOUT_MS = 10 * 60_000;

export class DataParallel {
  private seq = 0;
  /** Where the last synchronous job spent its time (ms): the benchmark prints it. */
  lastTimings = { publishMs: 0, ownShardMs: 0, waitMs: 0, sumMs: 0 };
  private failed: string | null = null;
  private readonly weights: Float32Array;
  private readonly grads: Float32Array;
  private readonly ctrl: Int32Array;
  private readonly stats: Float64Array;
  /** Rollout replies awaited, by job seq and slot. */
  private readonly pending = new Map<string, { resolve(g: Generation): void; reject(e: Error): void }>();
  /** This thread's shard-0 state across the epochs of an RL batch. */
  private readonly ownCache = new PolicyShardCache();

  private constructor(
    /** Replicas, the main thread's included. */
    readonly size: number,
    private readonly numParams: number,
    private readonly workers: Worker[],
    buffers: { weights: SharedArrayBuffer; grads: SharedArrayBuffer; ctrl: SharedArrayBuffer; losses: SharedArrayBuffer },
  ) {
    this.weights = new Float32Array(buffers.weights);
    this.grads = new Float32Array(buffers.grads);
    this.ctrl = new Int32Array(buffers.ctrl);
    this.stats = new Float64Array(buffers.losses);
    workers.forEach((w, i) => {
      const slot = i + 1;
      w.on('message', (m: { error?: string; rollout?: RolloutReply; rolloutError?: { seq: number; message: string } }) => {
        if (m.error) this.failed ??= m.error;
        if (m.rollout) this.settle(m.rollout.seq, slot, (p) => p.resolve({ tokens: m.rollout!.tokens, finished: m.rollout!.finished, lengths: Int32Array.from(m.rollout!.tokens, (t) => t.length) }));
        if (m.rolloutError) this.settle(m.rolloutError.seq, slot, (p) => p.reject(new Error(`data-parallel worker ${slot}: ${m.rolloutError!.message}`)));
      });
      w.on('error', (e) => this.fail(e.message));
      w.on('exit', (code) => this.fail(`data-parallel worker exited (${code})`));
      w.unref();
    });
  }

  private settle(seq: number, slot: number, f: (p: { resolve(g: Generation): void; reject(e: Error): void }) => void): void {
    const key = `${seq}:${slot}`;
    const p = this.pending.get(key);
    this.pending.delete(key);
    if (p) f(p);
  }

  private fail(message: string): void {
    this.failed ??= message;
    for (const p of this.pending.values()) p.reject(new Error(`data-parallel worker failed: ${message}`));
    this.pending.clear();
  }

  /**
   * Starts size-1 worker threads, each with a replica of `model` (and of `ref`, the frozen start
   * model RL measures KL against); resolves once all are ready.
   */
  static async start(size: number, model: GPT, ref: GPT | null = null): Promise<DataParallel> {
    const numParams = model.numParams;
    const buffers = {
      weights: new SharedArrayBuffer(4 * numParams),
      grads: new SharedArrayBuffer(4 * numParams * size),
      ctrl: new SharedArrayBuffer(4 * size),
      losses: new SharedArrayBuffer(8 * STATS_PER_SLOT * size),
    };
    const modelBytes = model.toBytes();
    const refBytes = ref ? ref.toBytes() : null;
    const script = workerScript();
    const workers: Worker[] = [];
    try {
      for (let slot = 1; slot < size; slot++) {
        const init: WorkerInit = { slot, numParams, modelBytes, refBytes, ...buffers };
        workers.push(new Worker(script.source, { eval: script.eval, workerData: init, execArgv: [] }));
      }
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              w.once('message', (m: { ready?: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(m.error ?? 'worker failed'))));
              w.once('error', reject);
            }),
        ),
      );
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new Error(`data-parallel workers could not start: ${err instanceof Error ? err.message : String(err)}`);
    }
    return new DataParallel(size, numParams, workers, buffers);
  }

  private checkAlive(): void {
    if (this.failed) throw new Error(`data-parallel worker failed: ${this.failed}`);
  }

  /** The weights every replica computes the next jobs on: the main thread's, after its last update. */
  private publishWeights(model: GPT): void {
    let off = 0;
    for (const v of model.variables) {
      this.weights.set(v.dataSync() as Float32Array, off);
      off += v.size;
    }
  }

  /**
   * One synchronous job per replica: job k on replica k, job 0 on this thread (`own`), then waits
   * for every worker's answer in the shared buffers.
   */
  private runSync<J extends SyncJob>(model: GPT, jobs: Omit<J, 'seq'>[], own: (job: J) => void): void {
    this.checkAlive();
    if (jobs.length !== this.size) throw new Error(`${jobs.length} shards for ${this.size} replicas`);
    const t0 = performance.now();
    this.publishWeights(model);
    const seq = ++this.seq;
    for (let k = 1; k < this.size; k++) this.workers[k - 1].postMessage({ ...jobs[k], seq });
    const t1 = performance.now();
    own({ ...jobs[0], seq } as J);
    const t2 = performance.now();
    for (let k = 1; k < this.size; k++) {
      const t0 = Date.now();
      while (Atomics.load(this.ctrl, k) !== seq && Atomics.load(this.ctrl, k) !== -seq) {
        this.checkAlive();
        if (Date.now() - t0 > STEP_TIMEOUT_MS) throw new Error(`data-parallel worker ${k} did not answer within ${STEP_TIMEOUT_MS / 1000} s`);
        Atomics.wait(this.ctrl, k, Atomics.load(this.ctrl, k), 100);
      }
      if (Atomics.load(this.ctrl, k) === -seq) throw new Error(`data-parallel worker ${k} failed: ${this.failed ?? 'unknown error'}`);
    }
    this.lastTimings = { publishMs: t1 - t0, ownShardMs: t2 - t1, waitMs: performance.now() - t2, sumMs: 0 };
  }

  /** The slots' gradients summed in slot order 0, 1, 2, ... (the same sum for the same worker count), and their stats. */
  private sumSlots(withGrads: boolean): { grads: Float32Array; stats: number[] } {
    const t0 = performance.now();
    const P = this.numParams;
    const sum = new Float32Array(withGrads ? P : 0);
    const stats = new Array<number>(STATS_PER_SLOT).fill(0);
    for (let k = 0; k < this.size; k++) {
      if (withGrads) {
        const g = this.grads.subarray(k * P, (k + 1) * P);
        for (let i = 0; i < P; i++) sum[i] += g[i];
      }
      for (let j = 0; j < STATS_PER_SLOT; j++) stats[j] += this.stats[k * STATS_PER_SLOT + j];
    }
    this.lastTimings.sumMs = performance.now() - t0;
    return { grads: sum, stats };
  }

  private ownStats(): Float64Array {
    return this.stats.subarray(0, STATS_PER_SLOT);
  }

  /**
   * The batch gradient of NTP's masked loss: shard k on replica k (shard 0 on this thread, with
   * `model`), summed in slot order. `shards.length` must equal `size`. Returns the flat gradient
   * (variable order) and the loss.
   */
  gradients(model: GPT, shards: Omit<ShardJob, 'seq' | 'kind'>[]): { grads: Float32Array; loss: number } {
    const own = this.ownStats();
    this.runSync<ShardJob>(model, shards.map((s) => ({ ...s, kind: 'ntp' as const })), (job) => {
      own.fill(0);
      own[0] = shardGradients(model, job, this.grads.subarray(0, this.numParams));
    });
    const { grads, stats } = this.sumSlots(true);
    return { grads, loss: stats[0] };
  }

  /**
   * The policy-gradient loss's batch gradient, shards of whole prompt groups on the replicas.
   * Returns the flat gradient and the summed stats [loss, entropy, KL, clipped, mask] (policyShardGradients).
   */
  policyGradients(model: GPT, ref: GPT, shards: Omit<PolicyJob, 'seq' | 'kind'>[]): { grads: Float32Array; stats: number[] } {
    this.runSync<PolicyJob>(model, shards.map((s) => ({ ...s, kind: 'policy' as const })), (job) =>
      policyShardGradients(model, ref, job, this.ownCache, this.grads.subarray(0, this.numParams), this.ownStats()),
    );
    return this.sumSlots(true);
  }

  /** Entropy and KL sums over the shards' rollout tokens (measureShard's stats layout), no gradient. */
  measure(model: GPT, ref: GPT, shards: Omit<MeasureJob, 'seq' | 'kind'>[]): number[] {
    this.runSync<MeasureJob>(model, shards.map((s) => ({ ...s, kind: 'measure' as const })), (job) => measureShard(model, ref, job, this.ownStats()));
    return this.sumSlots(false).stats;
  }

  /** Rollouts of shard k on replica k (shard 0 on this thread), in shard order. */
  async rollouts(model: GPT, shards: Omit<RolloutJob, 'seq' | 'kind'>[]): Promise<Generation[]> {
    this.checkAlive();
    if (shards.length !== this.size) throw new Error(`${shards.length} shards for ${this.size} replicas`);
    this.publishWeights(model);
    const seq = ++this.seq;
    const replies = shards.slice(1).map((s, i) => {
      const slot = i + 1;
      const reply = new Promise<Generation>((resolve, reject) => this.pending.set(`${seq}:${slot}`, { resolve, reject }));
      this.workers[i].postMessage({ ...s, kind: 'rollout', seq } satisfies RolloutJob);
      return reply;
    });
    // the workers are unref'd (an idle pool must not keep the process alive); awaiting their replies must
    for (const w of this.workers) w.ref();
    // settle every reply before throwing, so none is left unhandled
    const [own, ...rest] = await Promise.allSettled([rolloutShard(model, shards[0]), ...replies]).finally(() => {
      for (const w of this.workers) w.unref();
    });
    const all = [own, ...rest];
    const failed = all.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return all.map((r) => (r as PromiseFulfilledResult<Generation>).value);
  }

  /**
   * Generation over the replicas: the rows split at `ranges` (whole groups of `groupSize` rows,
   * one rng stream each from `groupSeeds`), put back in row order.
   */
  async generate(
    model: GPT,
    prompts: Int32Array[],
    ranges: [number, number][],
    groupSeeds: readonly number[],
    groupSize: number,
    opts: { maxNewTokens: number; temperature: number; eosId: number },
  ): Promise<Generation> {
    const P = prompts[0].length;
    const gens = await this.rollouts(
      model,
      ranges.map(([a, b]) => {
        const flat = new Int32Array((b - a) * P);
        for (let i = a; i < b; i++) flat.set(prompts[i], (i - a) * P);
        return { prompts: flat, promptLength: P, groupSeeds: groupSeeds.slice(a / groupSize, b / groupSize), ...opts };
      }),
    );
    const tokens = gens.flatMap((g) => g.tokens);
    const finished = new Uint8Array(prompts.length);
    let off = 0;
    for (const g of gens) {
      finished.set(g.finished, off);
      off += g.finished.length;
    }
    return { tokens, finished, lengths: Int32Array.from(tokens, (t) => t.length) };
  }

  async close(): Promise<void> {
    this.ownCache.dispose();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Where the replica's code is. In the packaged app this module is inside the trainer bundle and
 * dp-worker is bundled beside it (dp-worker.cjs, vite.main.config.ts); under tsx (tests, CLI) the
 * worker is TypeScript, so tsx is registered inside it first (execArgv loaders do not reach eval'd workers).
 */
export function workerScript(moduleUrl: string = import.meta.url): { source: string; eval: boolean } {
  const bundled = fileURLToPath(new URL('./dp-worker.cjs', moduleUrl));
  if (existsSync(bundled)) return { source: bundled, eval: false };
  const entry = new URL('./dp-worker.ts', moduleUrl).href;
  return { source: `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`, eval: true };
}

/** A flat gradient back into one tensor per variable (the caller disposes them). */
export function unflatten(flat: Float32Array, variables: readonly tf.Variable[]): tf.Tensor[] {
  let off = 0;
  return variables.map((v) => {
    const t = tf.tensor(flat.subarray(off, off + v.size), v.shape, 'float32');
    off += v.size;
    return t;
  });
}

/** Splits n items into `parts` contiguous shards whose sizes differ by at most one. */
export function shardRanges(n: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < parts; k++) out.push([Math.floor((k * n) / parts), Math.floor(((k + 1) * n) / parts)]);
  return out;
}

// Data parallelism within one run: N replicas of the model, the main thread's and N-1 worker
// threads' (dp-worker.ts, each with its own WASM backend), each computing the gradient of its shard
// of the batch. The gradients meet in one SharedArrayBuffer (a slot per replica, no per-tensor
// messages) and are summed in slot order, so a given worker count gives the same sum bit for bit;
// the caller applies one optimizer step, and the next step's weights reach every replica through a
// second shared buffer. Across worker counts only the float summation order differs.
import * as tf from '@tensorflow/tfjs';
import { Worker } from 'node:worker_threads';
import type { GPT } from '../model/model';
import { shardGradients, type ShardJob, type WorkerInit } from './dp-shared';

export type { ShardJob } from './dp-shared';

const STEP_TIMEOUT_MS = 10 * 60_000;

export class DataParallel {
  private seq = 0;
  /** Where the last gradients() call spent its time (ms): the benchmark prints it. */
  lastTimings = { publishMs: 0, ownShardMs: 0, waitMs: 0, sumMs: 0 };
  private failed: string | null = null;
  private readonly weights: Float32Array;
  private readonly grads: Float32Array;
  private readonly ctrl: Int32Array;
  private readonly losses: Float64Array;

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
    this.losses = new Float64Array(buffers.losses);
    for (const w of workers) {
      w.on('message', (m: { error?: string }) => m.error && (this.failed ??= m.error));
      w.on('error', (e) => (this.failed ??= e.message));
      w.on('exit', (code) => (this.failed ??= `data-parallel worker exited (${code})`));
      w.unref();
    }
  }

  /** Starts size-1 worker threads, each with a replica of `model`; resolves once all are ready. */
  static async start(size: number, model: GPT): Promise<DataParallel> {
    const numParams = model.numParams;
    const buffers = {
      weights: new SharedArrayBuffer(4 * numParams),
      grads: new SharedArrayBuffer(4 * numParams * size),
      ctrl: new SharedArrayBuffer(4 * size),
      losses: new SharedArrayBuffer(8 * size),
    };
    const modelBytes = model.toBytes();
    const entry = new URL('./dp-worker.ts', import.meta.url).href;
    // the worker is TypeScript: register tsx inside it first (execArgv loaders do not reach eval'd workers)
    const bootstrap = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    const workers: Worker[] = [];
    try {
      for (let slot = 1; slot < size; slot++) {
        const init: WorkerInit = { slot, numParams, modelBytes, ...buffers };
        workers.push(new Worker(bootstrap, { eval: true, workerData: init, execArgv: [] }));
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

  /**
   * The batch gradient: shard k on replica k (shard 0 on this thread, with `model`), summed in
   * slot order. `shards.length` must equal `size`. Returns the flat gradient (variable order) and the loss.
   */
  gradients(model: GPT, shards: Omit<ShardJob, 'seq'>[]): { grads: Float32Array; loss: number } {
    if (this.failed) throw new Error(`data-parallel worker failed: ${this.failed}`);
    if (shards.length !== this.size) throw new Error(`${shards.length} shards for ${this.size} replicas`);
    const P = this.numParams;
    const t0 = performance.now();
    // publish this step's weights, then hand out the shards
    let off = 0;
    for (const v of model.variables) {
      this.weights.set(v.dataSync() as Float32Array, off);
      off += v.size;
    }
    const seq = ++this.seq;
    for (let k = 1; k < this.size; k++) this.workers[k - 1].postMessage({ ...shards[k], seq });
    const t1 = performance.now();
    this.losses[0] = shardGradients(model, { ...shards[0], seq }, this.grads.subarray(0, P));
    const t2 = performance.now();
    for (let k = 1; k < this.size; k++) {
      const t0 = Date.now();
      while (Atomics.load(this.ctrl, k) !== seq && Atomics.load(this.ctrl, k) !== -seq) {
        if (this.failed) throw new Error(`data-parallel worker failed: ${this.failed}`);
        if (Date.now() - t0 > STEP_TIMEOUT_MS) throw new Error(`data-parallel worker ${k} did not answer within ${STEP_TIMEOUT_MS / 1000} s`);
        Atomics.wait(this.ctrl, k, Atomics.load(this.ctrl, k), 100);
      }
      if (Atomics.load(this.ctrl, k) === -seq) throw new Error(`data-parallel worker ${k} failed: ${this.failed ?? 'unknown error'}`);
    }
    const t3 = performance.now();
    // fixed order: slot 0, then 1, 2, ... (the same sum for the same worker count)
    const sum = new Float32Array(P);
    let loss = 0;
    for (let k = 0; k < this.size; k++) {
      const g = this.grads.subarray(k * P, (k + 1) * P);
      for (let i = 0; i < P; i++) sum[i] += g[i];
      loss += this.losses[k];
    }
    this.lastTimings = { publishMs: t1 - t0, ownShardMs: t2 - t1, waitMs: t3 - t2, sumMs: performance.now() - t3 };
    return { grads: sum, loss };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
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

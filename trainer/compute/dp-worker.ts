// One data-parallel replica (a worker thread started by data-parallel.ts): its own TF.js WASM
// backend with the fast kernels, and a copy of the model (and, in RL, of the frozen reference).
// Per job it reads the weights from shared memory, then computes its shard: a gradient written,
// flattened, into its own slot of the shared gradient buffer (with its sums in the stats buffer),
// which the main thread sums in a fixed order before one optimizer step; or rollouts, sent back
// as a message.
import * as tf from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from './tfjs-runtime';
import { GPT } from '../model/model';
import { measureShard, PolicyShardCache, policyShardGradients, rolloutShard, shardGradients, STATS_PER_SLOT, type Job, type RolloutReply, type WorkerInit } from './dp-shared';

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  await initBackend('wasm');
  const model = GPT.fromBytes(init.modelBytes);
  const ref = init.refBytes ? GPT.fromBytes(init.refBytes) : null;
  const cache = new PolicyShardCache();
  const weights = new Float32Array(init.weights);
  const grads = new Float32Array(init.grads, init.slot * init.numParams * 4, init.numParams);
  const ctrl = new Int32Array(init.ctrl);
  const stats = new Float64Array(init.losses, init.slot * STATS_PER_SLOT * 8, STATS_PER_SLOT);
  const port = parentPort!;
  const needRef = () => {
    if (!ref) throw new Error('an RL job reached a replica started without the reference model');
    return ref;
  };
  // the main thread's weights after its last update: every replica computes on the same model
  const syncWeights = () =>
    tf.tidy(() => {
      let off = 0;
      for (const v of model.variables) {
        v.assign(tf.tensor(weights.subarray(off, off + v.size), v.shape, 'float32'));
        off += v.size;
      }
    });
  port.on('message', (job: Job) => {
    if (job.kind === 'rollout') {
      // answered by message: rollouts are asynchronous on the main thread too
      void (async () => {
        try {
          syncWeights();
          const gen = await rolloutShard(model, job);
          port.postMessage({ rollout: { seq: job.seq, tokens: gen.tokens, finished: gen.finished } satisfies RolloutReply });
        } catch (err) {
          port.postMessage({ rolloutError: { seq: job.seq, message: err instanceof Error ? err.message : String(err) } });
        }
      })();
      return;
    }
    let ok = 1;
    try {
      syncWeights();
      if (job.kind === 'ntp') stats[0] = shardGradients(model, job, grads);
      else if (job.kind === 'policy') policyShardGradients(model, needRef(), job, cache, grads, stats);
      else measureShard(model, needRef(), job, stats);
    } catch (err) {
      ok = -1;
      port.postMessage({ error: err instanceof Error ? err.message : String(err) });
    }
    Atomics.store(ctrl, init.slot, ok * job.seq);
    Atomics.notify(ctrl, init.slot);
  });
  port.postMessage({ ready: true });
}

main().catch((err) => parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) }));

// One data-parallel replica (a worker thread started by data-parallel.ts): its own TF.js WASM
// backend with the fast kernels, and a copy of the model. Per step it reads the weights from shared
// memory, computes the gradient of its shard's loss and writes it, flattened, into its own slot of
// the shared gradient buffer; the main thread sums the slots in a fixed order and steps the optimizer.
import * as tf from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from './tfjs-runtime';
import { GPT } from '../model/model';
import { shardGradients, type ShardJob, type WorkerInit } from './dp-shared';

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  await initBackend('wasm');
  const model = GPT.fromBytes(init.modelBytes);
  const weights = new Float32Array(init.weights);
  const grads = new Float32Array(init.grads, init.slot * init.numParams * 4, init.numParams);
  const ctrl = new Int32Array(init.ctrl);
  const losses = new Float64Array(init.losses);
  const port = parentPort!;
  port.on('message', (job: ShardJob) => {
    let ok = 1;
    try {
      // the main thread's weights after its last update: every replica computes on the same model
      tf.tidy(() => {
        let off = 0;
        for (const v of model.variables) {
          v.assign(tf.tensor(weights.subarray(off, off + v.size), v.shape, 'float32'));
          off += v.size;
        }
      });
      losses[init.slot] = shardGradients(model, job, grads);
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

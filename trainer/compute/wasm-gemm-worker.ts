// A second core for the WASM backend's matrix products.
//
// tfjs-backend-wasm cannot run its threaded build under Node (its pthread workers are created
// from blob: URLs, which Node's Worker rejects), and its XNNPACK GEMM is called without a thread
// pool anyway. So the fast kernels hand part of each large product to a worker thread that runs
// its own copy of the same WASM module: operands go through a SharedArrayBuffer, the worker
// computes its share with the same XNNPACK GEMM while the main thread computes the rest, and the
// main thread blocks (Atomics.wait) until the worker's share is back. Same arithmetic, same
// kernel: results are bit-identical to doing it all on one thread.
import { createRequire } from 'node:module';
import path from 'node:path';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';

/** Control words in the shared Int32Array. */
const SEQ = 0; // main bumps it to post a job
const DONE = 1; // worker sets it to the job's seq when finished (or -seq on error)
const COUNT = 2; // number of [M,K] @ [K,N] slices
const M_ = 3;
const K_ = 4;
const N_ = 5;
const B_SHARED = 6; // 1: one B for every slice
const GEN = 7; // generation of the operand buffer (bumped when it grows)
const CTRL_WORDS = 8;

export interface GemmJob {
  count: number;
  M: number;
  K: number;
  N: number;
  bShared: boolean;
}

export class GemmWorker {
  private ctrl: Int32Array;
  private data: Float32Array;
  private seq = 0;
  private gen = 0;
  /** Jobs posted so far (tests check that large products really were split). */
  jobs = 0;
  private failed: string | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    ctrlBuf: SharedArrayBuffer,
    dataBuf: SharedArrayBuffer,
  ) {
    this.ctrl = new Int32Array(ctrlBuf);
    this.data = new Float32Array(dataBuf);
    worker.on('error', (e) => (this.failed = e.message));
    worker.on('exit', (code) => (this.failed ??= `gemm worker exited (${code})`));
    worker.unref(); // never keeps the process alive
  }

  /** Starts the worker and waits until its WASM module is ready; null if that is impossible here. */
  static async start(): Promise<GemmWorker | null> {
    try {
      const require = createRequire(import.meta.url);
      const corePath = require.resolve('@tensorflow/tfjs-core');
      const wasmPath = require.resolve('@tensorflow/tfjs-backend-wasm');
      const distDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
      const ctrlBuf = new SharedArrayBuffer(4 * CTRL_WORDS);
      const dataBuf = new SharedArrayBuffer(4 * 1024 * 1024);
      // Grown operand buffers travel on this port; the worker reads it synchronously.
      const { port1, port2 } = new MessageChannel();
      // eval: the worker's code is this file's string, so bundlers need no extra entry.
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { corePath, wasmPath, distDir, ctrlBuf, dataBuf, port: port2 },
        transferList: [port2],
        // no tsx loader or inspector flags needed in the worker
        execArgv: [],
      });
      const ready = await new Promise<string>((resolve) => {
        worker.once('message', (m: { ready?: boolean; error?: string }) => resolve(m.ready ? 'ok' : m.error ?? 'unknown'));
        worker.once('error', (e) => resolve(e.message));
      });
      if (ready !== 'ok') {
        await worker.terminate();
        return null;
      }
      return new GemmWorker(worker, port1, ctrlBuf, dataBuf);
    } catch {
      return null;
    }
  }

  get healthy(): boolean {
    return this.failed === null;
  }

  /** The shared operand buffer, grown (and re-sent to the worker) to hold `floats`. */
  buffer(floats: number): Float32Array {
    if (this.data.length < floats) {
      const buf = new SharedArrayBuffer(4 * Math.ceil(floats * 1.25));
      this.data = new Float32Array(buf);
      this.port.postMessage(buf);
      this.gen++;
      Atomics.store(this.ctrl, GEN, this.gen); // the next job tells the worker to fetch it
    }
    return this.data;
  }

  /** Posts a job: A slices at data[0..], B after them, C written after B. Returns at once. */
  post(count: number, M: number, K: number, N: number, bShared: boolean): void {
    const c = this.ctrl;
    c[COUNT] = count;
    c[M_] = M;
    c[K_] = K;
    c[N_] = N;
    c[B_SHARED] = bShared ? 1 : 0;
    this.jobs++;
    this.seq = (this.seq + 1) & 0x3fffffff;
    Atomics.store(c, SEQ, this.seq);
    Atomics.notify(c, SEQ);
  }

  /** Blocks until the posted job is done. */
  wait(): void {
    const c = this.ctrl;
    for (;;) {
      const d = Atomics.load(c, DONE);
      if (d === this.seq) return;
      if (d === -this.seq) throw new Error('gemm worker failed on a job');
      if (this.failed) throw new Error(this.failed);
      Atomics.wait(c, DONE, d, 1000);
    }
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

// The worker: plain CommonJS, run with eval. It loads TF.js core + the WASM backend (only for its
// module loader), then serves jobs with the raw exports, exactly as fast-wasm.ts does.
const WORKER_SOURCE = `
const { workerData, parentPort, receiveMessageOnPort } = require('node:worker_threads');
const { corePath, wasmPath, distDir, ctrlBuf, port } = workerData;
let data = new Float32Array(workerData.dataBuf);
let gen = 0;
const ctrl = new Int32Array(ctrlBuf);
const SEQ = ${SEQ}, DONE = ${DONE}, COUNT = ${COUNT}, M_ = ${M_}, K_ = ${K_}, N_ = ${N_}, B_SHARED = ${B_SHARED}, GEN = ${GEN};
(async () => {
  const tf = require(corePath);
  const wb = require(wasmPath);
  wb.setWasmPaths(distDir);
  await tf.setBackend('wasm');
  await tf.ready();
  const w = tf.backend().wasm;
  const shapes = w._malloc(24);
  let heapBase = 0, heapFloats = 0;
  let nextId = 1 << 30; // far above any id this worker's (idle) backend hands out
  parentPort.postMessage({ ready: true });
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, SEQ, seen);
    const seq = Atomics.load(ctrl, SEQ);
    if (seq === seen) continue;
    seen = seq;
    try {
      // A grown operand buffer was posted before this job: take it (in order, synchronously).
      while (gen !== ctrl[GEN]) {
        const m = receiveMessageOnPort(port);
        if (m) { data = new Float32Array(m.message); gen++; }
      }
      const count = ctrl[COUNT], M = ctrl[M_], K = ctrl[K_], N = ctrl[N_], bShared = ctrl[B_SHARED] === 1;
      if (count > 0) {
        const nA = count * M * K, nB = (bShared ? 1 : count) * K * N, nC = count * M * N;
        const need = nA + nB + nC;
        if (need > heapFloats) {
          if (heapBase) w._free(heapBase);
          heapFloats = Math.ceil(need * 1.25);
          heapBase = w._malloc(4 * heapFloats);
        }
        let heap = w.HEAPF32;
        const base = heapBase >>> 2;
        heap.set(data.subarray(0, nA + nB), base);
        w.HEAP32.set([1, M, K, 1, K, N], shapes >>> 2);
        const aId = nextId++, bId = nextId++, oId = nextId++;
        for (let i = 0; i < count; i++) {
          w._register_tensor(aId, M * K, heapBase + 4 * i * M * K);
          w._register_tensor(bId, K * N, heapBase + 4 * (nA + (bShared ? 0 : i * K * N)));
          w._register_tensor(oId, M * N, heapBase + 4 * (nA + nB + i * M * N));
          w._BatchMatMul(aId, shapes, 3, bId, shapes + 12, 3, 0, 0, oId);
          w._dispose_data(aId); w._dispose_data(bId); w._dispose_data(oId);
        }
        heap = w.HEAPF32;
        data.set(heap.subarray(base + nA + nB, base + nA + nB + nC), nA + nB);
      }
      Atomics.store(ctrl, DONE, seq);
    } catch (e) {
      Atomics.store(ctrl, DONE, -seq);
    }
    Atomics.notify(ctrl, DONE);
  }
})().catch((e) => parentPort.postMessage({ error: String(e && e.message || e) }));
`;

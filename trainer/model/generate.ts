// Batched autoregressive generation with a KV cache, plus the uncached reference.
//
// Synchronous: the trainer's backends (wasm, cpu, tfjs-node) all compute synchronously, and one
// call is short (tens of tokens); callers yield to the event loop between calls.
// Per token, the only device-to-JS read is the last position's logits [B, V] (V is tiny): the
// next token is chosen in JS, which is also where the EOS check needs it. Sampling uses a seeded
// JS PRNG, so a (model, prompts, options) triple always gives the same tokens.
import * as tf from '@tensorflow/tfjs';
import type { GPT, LayerKV } from './model';

export interface GenerateOptions {
  /** Cap on response tokens, EOS included. A row that reaches it without EOS is truncated. */
  maxNewTokens: number;
  /** 0 = greedy (argmax; ties go to the lowest token id). */
  temperature: number;
  eosId: number;
  seed: number;
  /**
   * One rng stream per group of consecutive rows instead of one for the batch (`seed` unused): the
   * rows B / groupSeeds.length at a time. A group's tokens then do not depend on which other rows
   * share the batch, so a batch split into shards of whole groups samples the same tokens.
   */
  groupSeeds?: readonly number[];
}

export interface Generation {
  /** Response tokens per row, EOS excluded. */
  tokens: Int32Array[];
  /** tokens[i].length, as one array. */
  lengths: Int32Array;
  /** 1 if the row emitted EOS within the cap. */
  finished: Uint8Array;
}

/** KV-cached generation, batched over all prompts (all the same length). */
export async function generate(model: GPT, prompts: Int32Array[], opts: GenerateOptions): Promise<Generation> {
  const { B, P } = checkInputs(model, prompts, opts);
  let past: LayerKV[] | null = null;
  let pos = 0;
  let input: tf.Tensor2D = promptTensor(prompts, B, P);
  try {
    return await runLoop(B, opts, model.config.vocabSize, async (next) => {
      if (next) {
        input.dispose();
        input = tf.tensor2d(next, [B, 1], 'int32');
      }
      const T = input.shape[1];
      const prev: LayerKV[] | null = past;
      const out = tf.tidy(() => {
        const r = model.decode(input, prev, pos);
        const last = tf.reshape(tf.slice(r.logits, [0, T - 1, 0], [B, 1, -1]), [B, -1]);
        return { last, present: r.present };
      });
      if (prev) disposeCache(prev);
      past = out.present;
      pos += T;
      // async: WebGPU under Node has no synchronous readback
      const logits = (await out.last.data()) as Float32Array;
      out.last.dispose();
      return logits;
    });
  } finally {
    input.dispose();
    if (past) disposeCache(past);
  }
}

/** Reference: recomputes the whole sequence for every new token (no cache). */
export async function generateUncached(model: GPT, prompts: Int32Array[], opts: GenerateOptions): Promise<Generation> {
  const { B } = checkInputs(model, prompts, opts);
  const V = model.config.vocabSize;
  const seqs = prompts.map((p) => Array.from(p));
  return runLoop(B, opts, V, async (next) => {
    if (next) for (let i = 0; i < B; i++) seqs[i].push(next[i]);
    const T = seqs[0].length;
    const flat = new Int32Array(B * T);
    for (let i = 0; i < B; i++) flat.set(seqs[i], i * T);
    const last = tf.tidy(() => {
      const logits = model.forward(tf.tensor2d(flat, [B, T], 'int32'));
      return tf.reshape(tf.slice(logits, [0, T - 1, 0], [B, 1, V]), [B, V]);
    });
    const out = (await last.data()) as Float32Array;
    last.dispose();
    return out;
  });
}

/**
 * The shared decode loop. `step(next)` feeds the previous step's tokens (null on the first call,
 * when the prompt is fed) and returns the next-token logits, row-major [B, V].
 */
async function runLoop(
  B: number, opts: GenerateOptions, V: number, step: (next: Int32Array | null) => Promise<Float32Array>,
): Promise<Generation> {
  const rngs = (opts.groupSeeds ?? [opts.seed]).map(mulberry32);
  const rowsPerStream = B / rngs.length;
  const out: number[][] = Array.from({ length: B }, () => []);
  const finished = new Uint8Array(B);
  let live = B;
  let next: Int32Array | null = null;
  for (let t = 0; t < opts.maxNewTokens && live > 0; t++) {
    const logits = await step(next);
    next = new Int32Array(B);
    for (let i = 0; i < B; i++) {
      const tok = pick(logits, i * V, V, opts.temperature, rngs[Math.floor(i / rowsPerStream)]);
      if (finished[i]) {
        next[i] = opts.eosId; // finished rows keep decoding (batched) but their output is ignored
        continue;
      }
      next[i] = tok;
      if (tok === opts.eosId) {
        finished[i] = 1;
        live--;
      } else {
        out[i].push(tok);
      }
    }
  }
  const tokens = out.map((r) => Int32Array.from(r));
  return { tokens, lengths: Int32Array.from(tokens, (r) => r.length), finished };
}

/** Argmax at temperature 0, else a draw from softmax(logits / temperature). */
function pick(logits: Float32Array, off: number, V: number, temperature: number, rng: () => number): number {
  let best = 0;
  for (let j = 1; j < V; j++) if (logits[off + j] > logits[off + best]) best = j;
  // Draw even when greedy would do, so one rng stream serves every row in the same order.
  const u = rng();
  if (temperature === 0) return best;
  const m = logits[off + best];
  let z = 0;
  const p = new Float64Array(V);
  for (let j = 0; j < V; j++) {
    p[j] = Math.exp((logits[off + j] - m) / temperature);
    z += p[j];
  }
  let acc = 0;
  const target = u * z;
  for (let j = 0; j < V; j++) {
    acc += p[j];
    if (target < acc) return j;
  }
  return V - 1;
}

/** Small, fast, seedable PRNG (uniform in [0, 1)). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function checkInputs(model: GPT, prompts: Int32Array[], opts: GenerateOptions): { B: number; P: number } {
  const B = prompts.length;
  if (B === 0) throw new Error('generate: no prompts');
  const P = prompts[0].length;
  if (P === 0) throw new Error('generate: empty prompt');
  if (prompts.some((p) => p.length !== P)) throw new Error('generate: prompts must all have the same length');
  if (!Number.isInteger(opts.maxNewTokens) || opts.maxNewTokens < 1) {
    throw new Error(`generate: maxNewTokens must be a positive integer, got ${opts.maxNewTokens}`);
  }
  if (opts.groupSeeds && (opts.groupSeeds.length === 0 || B % opts.groupSeeds.length !== 0)) {
    throw new Error(`generate: ${B} prompts do not split into ${opts.groupSeeds.length} equal groups (groupSeeds)`);
  }
  if (!(opts.temperature >= 0)) throw new Error(`generate: temperature must be >= 0, got ${opts.temperature}`);
  // The last token generated is never fed back, so the model sees at most P + maxNewTokens - 1.
  if (P + opts.maxNewTokens - 1 > model.config.blockSize) {
    throw new Error(
      `generate: prompt ${P} + maxNewTokens ${opts.maxNewTokens} - 1 exceeds the model's blockSize ${model.config.blockSize}`,
    );
  }
  return { B, P };
}

function promptTensor(prompts: Int32Array[], B: number, P: number): tf.Tensor2D {
  const flat = new Int32Array(B * P);
  for (let i = 0; i < B; i++) flat.set(prompts[i], i * P);
  return tf.tensor2d(flat, [B, P], 'int32');
}

function disposeCache(cache: LayerKV[]): void {
  for (const kv of cache) {
    kv.k.dispose();
    kv.v.dispose();
  }
}

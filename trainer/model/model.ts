// A GPT-style decoder-only transformer in TF.js, after nanoGPT's model.py.
//
// Choices that differ from a textbook GPT, each for a reason:
// - Token embedding is oneHot(idx) @ wte, not gather: the WASM backend has no UnsortedSegmentSum,
//   the kernel behind gather's gradient, and our vocabularies are tiny (4..16 tokens).
// - No biases in linear layers or LayerNorms (nanoGPT's bias=False): fewer reductions over the
//   batch in the backward pass, which are slow on WASM; no loss in quality at this scale.
// - q, k, v are three matrices, not one [C, 3C]: splitting a [N, 3C] tensor costs three strided
//   slices on WASM, three matmuls cost nothing extra.
// - GELU is the sigmoid form x * sigmoid(1.702 x) (Hendrycks & Gimpel): WASM's tanh and exp are
//   ~20x slower than its XNNPACK sigmoid. bench/torch_ref.py uses the same formula.
// - The LM head is untied from wte (a separate [C, V] matrix).
import * as tf from '@tensorflow/tfjs';

// ---------------------------------------------------------------------------------------------
// Config

export interface GPTConfig {
  /** Number of distinct tokens (parity: 4). */
  vocabSize: number;
  /** Longest sequence the model accepts (learned positions). */
  blockSize: number;
  /** Transformer blocks. */
  nLayer: number;
  /** Attention heads per block; nEmbd must be divisible by it. */
  nHead: number;
  /** Residual stream width. */
  nEmbd: number;
  /** MLP hidden width = mlpRatio * nEmbd (GPT-2: 4). */
  mlpRatio: number;
}

export const DEFAULT_GPT_CONFIG: GPTConfig = {
  vocabSize: 4,
  blockSize: 64,
  nLayer: 2,
  nHead: 4,
  nEmbd: 128,
  mlpRatio: 4,
};

/** The names users write (the experiment config's model section) for the fields they set. */
const USER_FIELD: Record<keyof GPTConfig, string> = {
  vocabSize: 'the task vocabulary size',
  blockSize: 'the block size (prompt + response cap)',
  nLayer: 'model.layers',
  nHead: 'model.heads',
  nEmbd: 'model.width',
  mlpRatio: 'model.mlpRatio',
};

export function validateGPTConfig(cfg: GPTConfig): void {
  const ints: (keyof GPTConfig)[] = ['vocabSize', 'blockSize', 'nLayer', 'nHead', 'nEmbd', 'mlpRatio'];
  for (const k of ints) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 1) throw new Error(`${USER_FIELD[k]} must be a positive integer, got ${cfg[k]}`);
  }
  if (cfg.nEmbd % cfg.nHead !== 0) {
    throw new Error(`model.width (${cfg.nEmbd}) must be divisible by model.heads (${cfg.nHead})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Parameters: one flat, ordered list of named tensors (the checkpoint order).

interface ParamSpec {
  name: string;
  shape: number[];
  /** 'ones' for LayerNorm gains, else the std of a zero-mean normal. */
  init: 'ones' | number;
}

function paramSpecs(cfg: GPTConfig): ParamSpec[] {
  const C = cfg.nEmbd;
  const H = cfg.mlpRatio * C;
  const std = 0.02;
  // GPT-2: residual projections scaled so the residual stream's variance does not grow with depth.
  const projStd = 0.02 / Math.sqrt(2 * cfg.nLayer);
  const specs: ParamSpec[] = [
    { name: 'wte', shape: [cfg.vocabSize, C], init: std },
    { name: 'wpe', shape: [cfg.blockSize, C], init: std },
  ];
  for (let l = 0; l < cfg.nLayer; l++) {
    const p = `h.${l}.`;
    specs.push(
      { name: p + 'ln_1.weight', shape: [C], init: 'ones' },
      { name: p + 'attn.q', shape: [C, C], init: std },
      { name: p + 'attn.k', shape: [C, C], init: std },
      { name: p + 'attn.v', shape: [C, C], init: std },
      { name: p + 'attn.proj', shape: [C, C], init: projStd },
      { name: p + 'ln_2.weight', shape: [C], init: 'ones' },
      { name: p + 'mlp.fc', shape: [C, H], init: std },
      { name: p + 'mlp.proj', shape: [H, C], init: projStd },
    );
  }
  specs.push({ name: 'ln_f.weight', shape: [C], init: 'ones' }, { name: 'lm_head', shape: [C, cfg.vocabSize], init: std });
  return specs;
}

interface BlockParams {
  ln1: tf.Variable; q: tf.Variable; k: tf.Variable; v: tf.Variable; proj: tf.Variable;
  ln2: tf.Variable; fc: tf.Variable; fcProj: tf.Variable;
}

/** Keys and values of one layer for the tokens seen so far: [B, nHead, t, headSize] each. */
// A type alias, not an interface, so it is a tf.TensorContainer and can leave a tf.tidy.
export type LayerKV = {
  k: tf.Tensor4D;
  v: tf.Tensor4D;
};

// ---------------------------------------------------------------------------------------------
// Small pieces

/** LayerNorm over the last axis, gain only. x: [N, C] */
function layerNorm(x: tf.Tensor2D, g: tf.Tensor1D): tf.Tensor2D {
  const mean = tf.mean(x, -1, true); // [N, 1]
  const xc = tf.sub(x, mean); // [N, C]
  const variance = tf.mean(tf.square(xc), -1, true); // [N, 1]
  return tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, 1e-5))), g);
}

/** GELU, sigmoid form. */
function gelu(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
}

/** [B*T, C] -> [B, nHead, T, hs] */
function splitHeads(x: tf.Tensor2D, B: number, T: number, nHead: number): tf.Tensor4D {
  const hs = x.shape[1] / nHead;
  // One token (cached decoding): the transpose only moves a size-1 axis, a reshape does it free.
  if (T === 1) return tf.reshape(x, [B, nHead, 1, hs]);
  return tf.transpose(tf.reshape(x, [B, T, nHead, hs]), [0, 2, 1, 3]);
}

/** [B, nHead, T, hs] -> [B*T, C] */
function mergeHeads(y: tf.Tensor4D): tf.Tensor2D {
  const [B, nHead, T, hs] = y.shape;
  if (T === 1) return tf.reshape(y, [B, nHead * hs]);
  return tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B * T, nHead * hs]);
}

// ---------------------------------------------------------------------------------------------
// The model

export class GPT {
  readonly config: GPTConfig;
  private readonly names: string[];
  private readonly params: tf.Variable[];
  private readonly wte: tf.Variable;
  private readonly wpe: tf.Variable;
  private readonly blocks: BlockParams[];
  private readonly lnF: tf.Variable;
  private readonly head: tf.Variable;
  /** [blockSize, blockSize]: 0 on and below the diagonal, -1e9 above. Made on first use, kept. */
  private mask: tf.Tensor2D | null = null;
  private disposed = false;

  /**
   * Seeded GPT-2 initialisation. `weights` (by parameter name) is for fromBytes: it replaces the
   * random init bit for bit.
   */
  constructor(cfg: GPTConfig, seed: number, weights?: ReadonlyMap<string, Float32Array>) {
    validateGPTConfig(cfg);
    this.config = { ...cfg };
    const specs = paramSpecs(cfg);
    this.names = specs.map((s) => s.name);
    this.params = specs.map((s, i) => {
      const given = weights?.get(s.name);
      let init: tf.Tensor;
      if (given) {
        if (given.length !== s.shape.reduce((a, b) => a * b, 1)) throw new Error(`weight ${s.name}: wrong size`);
        init = tf.tensor(given, s.shape, 'float32');
      } else if (weights) {
        throw new Error(`checkpoint lacks weight ${s.name}`);
      } else if (s.init === 'ones') {
        init = tf.ones(s.shape);
      } else {
        // A distinct, reproducible stream per tensor; randomNormal's seeded PRNG runs in JS,
        // so the same seed gives the same weights on every backend. Never 0: TF.js treats a
        // zero seed as "no seed" and draws from Math.random.
        init = tf.randomNormal(s.shape, 0, s.init, 'float32', (seed >>> 0) * 1000 + i + 1);
      }
      const v = tf.variable(init, true);
      init.dispose();
      return v;
    });
    const byName = new Map(this.names.map((n, i) => [n, this.params[i]]));
    const get = (n: string) => byName.get(n)!;
    this.wte = get('wte');
    this.wpe = get('wpe');
    this.blocks = [];
    for (let l = 0; l < cfg.nLayer; l++) {
      const p = `h.${l}.`;
      this.blocks.push({
        ln1: get(p + 'ln_1.weight'), q: get(p + 'attn.q'), k: get(p + 'attn.k'), v: get(p + 'attn.v'),
        proj: get(p + 'attn.proj'), ln2: get(p + 'ln_2.weight'), fc: get(p + 'mlp.fc'), fcProj: get(p + 'mlp.proj'),
      });
    }
    this.lnF = get('ln_f.weight');
    this.head = get('lm_head');
  }

  /** Trainable variables, in checkpoint order. */
  get variables(): tf.Variable[] {
    return [...this.params];
  }

  /** Parameter names, parallel to `variables`. */
  get variableNames(): string[] {
    return [...this.names];
  }

  get numParams(): number {
    return this.params.reduce((a, v) => a + v.size, 0);
  }

  /** Logits for every position. idx: int32 [B, T] -> [B, T, V] */
  forward(idx: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => this.decode(idx, null, 0).logits);
  }

  /**
   * Forward over `idx` placed at positions pos0..pos0+t-1, attending to `past` keys/values (the
   * KV cache) as well as to itself. Returns logits [B, t, V] and the extended cache. Call inside
   * tf.tidy and keep what you need; the caller owns the returned tensors.
   */
  decode(idx: tf.Tensor2D, past: LayerKV[] | null, pos0: number): { logits: tf.Tensor3D; present: LayerKV[] } {
    this.assertAlive();
    const { vocabSize: V, nEmbd: C, nHead, blockSize } = this.config;
    const [B, T] = idx.shape;
    if (pos0 + T > blockSize) throw new Error(`sequence of ${pos0 + T} tokens exceeds blockSize ${blockSize}`);
    if (idx.dtype !== 'int32') throw new Error(`idx must be int32, got ${idx.dtype}`);

    // token + position embeddings
    const oh = tf.cast(tf.oneHot(tf.reshape(idx, [B * T]), V), 'float32'); // [B*T, V]
    const tok = tf.matMul(oh, this.wte); // [B*T, C]
    const pos = tf.slice(this.wpe, [pos0, 0], [T, C]); // [T, C]
    let x = tf.reshape(tf.add(tf.reshape(tok, [B, T, C]), pos), [B * T, C]) as tf.Tensor2D; // [B*T, C]

    const present: LayerKV[] = [];
    const Tk = pos0 + T; // keys visible to the last query
    // Query i (absolute position pos0+i) may not see keys after it. Decoding one token at a
    // time with a cache sees everything, so it needs no mask.
    const mask = T > 1 ? tf.slice(this.causalMask(), [pos0, 0], [T, Tk]) : null; // [T, Tk]
    const hs = C / nHead;
    for (let l = 0; l < this.blocks.length; l++) {
      const b = this.blocks[l];
      // causal self-attention
      const h = layerNorm(x, b.ln1 as tf.Tensor1D);
      // 1/sqrt(hs) folded into q: q is smaller than the [B, nHead, T, T] scores.
      const q = splitHeads(tf.mul(tf.matMul(h, b.q), 1 / Math.sqrt(hs)) as tf.Tensor2D, B, T, nHead); // [B, nH, T, hs]
      let k = splitHeads(tf.matMul(h, b.k), B, T, nHead); // [B, nH, T, hs]
      let v = splitHeads(tf.matMul(h, b.v), B, T, nHead); // [B, nH, T, hs]
      if (past) {
        k = tf.concat([past[l].k, k], 2);
        v = tf.concat([past[l].v, v], 2);
      }
      present.push({ k, v });
      let att = tf.matMul(q, k, false, true) as tf.Tensor4D; // [B, nH, T, Tk]
      if (mask) att = tf.add(att, mask);
      att = tf.softmax(att);
      const y = mergeHeads(tf.matMul(att, v)); // [B*T, C]
      x = tf.add(x, tf.matMul(y, b.proj));
      // MLP
      const h2 = layerNorm(x, b.ln2 as tf.Tensor1D);
      x = tf.add(x, tf.matMul(gelu(tf.matMul(h2, b.fc)), b.fcProj));
    }
    x = layerNorm(x, this.lnF as tf.Tensor1D);
    const logits = tf.reshape(tf.matMul(x, this.head), [B, T, V]) as tf.Tensor3D; // [B, T, V]
    return { logits, present };
  }

  /**
   * Weights as bytes: magic, JSON header (format, config, names, shapes), raw float32 LE.
   * `extra` rides along after the weights (the optimizer's moments and the trainer's state), so a
   * checkpoint restores the whole optimisation; fromBytes ignores it, readCheckpointExtra reads it.
   */
  toBytes(extra?: CheckpointExtra): Uint8Array {
    return this.packBytes(this.params.map((p) => p.dataSync() as Float32Array), extra);
  }

  /** toBytes with asynchronous reads: the only way on WebGPU under Node (no synchronous readback). */
  async toBytesAsync(extra?: CheckpointExtra): Promise<Uint8Array> {
    this.assertAlive();
    return this.packBytes(await Promise.all(this.params.map(async (p) => (await p.data()) as Float32Array)), extra);
  }

  private packBytes(values: Float32Array[], extra?: CheckpointExtra): Uint8Array {
    this.assertAlive();
    assertLittleEndian();
    const extraTensors = extra?.tensors ?? [];
    const header = JSON.stringify({
      format: CHECKPOINT_FORMAT,
      config: this.config,
      tensors: [
        ...this.params.map((p, i) => ({ name: this.names[i], shape: p.shape })),
        ...extraTensors.map((t) => ({ name: t.name, shape: [t.data.length] })),
      ],
      ...(extra ? { state: extra.state } : {}),
    });
    const headerBytes = new TextEncoder().encode(header);
    const dataStart = align4(8 + headerBytes.length);
    const total = dataStart + 4 * (this.numParams + extraTensors.reduce((a, t) => a + t.data.length, 0));
    const out = new Uint8Array(total);
    out.set(MAGIC, 0);
    new DataView(out.buffer).setUint32(4, headerBytes.length, true);
    out.set(headerBytes, 8);
    let off = dataStart;
    for (const data of values) {
      out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), off);
      off += data.byteLength;
    }
    for (const t of extraTensors) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), off);
      off += t.data.byteLength;
    }
    return out;
  }

  static fromBytes(bytes: Uint8Array): GPT {
    const c = parseCheckpoint(bytes);
    return new GPT(c.config, 0, c.tensors);
  }

  /** Overwrite this model's weights with another's (same config). */
  copyWeightsFrom(other: GPT): void {
    this.assertAlive();
    if (JSON.stringify(other.config) !== JSON.stringify(this.config)) throw new Error('copyWeightsFrom: configs differ');
    for (let i = 0; i < this.params.length; i++) this.params[i].assign(other.params[i]);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.params) p.dispose();
    this.mask?.dispose();
    this.mask = null;
  }

  private causalMask(): tf.Tensor2D {
    if (!this.mask) {
      const n = this.config.blockSize;
      const vals = new Float32Array(n * n);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) vals[i * n + j] = -1e9;
      this.mask = tf.keep(tf.tensor2d(vals, [n, n]));
    }
    return this.mask;
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('GPT used after dispose()');
  }
}

/** What a checkpoint carries besides the weights: named float32 arrays and a JSON state. */
export interface CheckpointExtra {
  state: unknown;
  tensors: { name: string; data: Float32Array }[];
}

/** The extra part of a checkpoint written by toBytes(extra); null for weights-only checkpoints. */
export function readCheckpointExtra(bytes: Uint8Array): { state: unknown; tensors: Map<string, Float32Array> } | null {
  const c = parseCheckpoint(bytes);
  return c.state === undefined ? null : { state: c.state, tensors: c.tensors };
}

function parseCheckpoint(bytes: Uint8Array): { config: GPTConfig; state: unknown; tensors: Map<string, Float32Array> } {
  assertLittleEndian();
  if (bytes.length < 8 || MAGIC.some((m, i) => bytes[i] !== m)) throw new Error('not a GPT checkpoint (bad magic)');
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as {
    format: string;
    config: GPTConfig;
    tensors: { name: string; shape: number[] }[];
    state?: unknown;
  };
  if (header.format !== CHECKPOINT_FORMAT) throw new Error(`unknown checkpoint format ${header.format}`);
  const tensors = new Map<string, Float32Array>();
  let off = align4(8 + headerLen);
  for (const t of header.tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (off + 4 * n > bytes.length) throw new Error(`checkpoint truncated at ${t.name}`);
    // Copy: bytes may sit at an unaligned offset inside a larger buffer (e.g. a SQLite blob).
    tensors.set(t.name, new Float32Array(bytes.slice(off, off + 4 * n).buffer));
    off += 4 * n;
  }
  return { config: header.config, state: header.state, tensors };
}

const CHECKPOINT_FORMAT = 'ntp-rl-gpt/1';
const MAGIC = [0x47, 0x50, 0x54, 0x31]; // "GPT1"

function align4(n: number): number {
  return (n + 3) & ~3;
}

function assertLittleEndian(): void {
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('checkpoints assume a little-endian host');
}

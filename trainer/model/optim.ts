// AdamW with decoupled weight decay, global-norm gradient clipping, and one optimizer step as a
// single tf.tidy. TF.js's own Adam has no decoupled decay, hence this small implementation.
import * as tf from '@tensorflow/tfjs';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay: number;
}

export class AdamW {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;

  constructor(
    readonly variables: readonly tf.Variable[],
    private readonly opts: AdamWOptions,
  ) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.95;
    this.eps = opts.eps ?? 1e-8;
    // tidy frees the zero tensors the variables were made from (a variable keeps its own reference)
    this.m = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
    this.v = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
  }

  /** Applies one update; call inside a tidy. Matrices decay, vectors (biases, LayerNorm) do not. */
  apply(grads: readonly tf.Tensor[], lr: number): void {
    this.t++;
    const { beta1: b1, beta2: b2, eps } = this;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    this.variables.forEach((x, i) => {
      const g = grads[i];
      const m = this.m[i].mul(b1).add(g.mul(1 - b1));
      const v = this.v[i].mul(b2).add(g.square().mul(1 - b2));
      this.m[i].assign(m);
      this.v[i].assign(v);
      let update = m.div(c1).div(v.div(c2).sqrt().add(eps));
      if (x.rank >= 2 && this.opts.weightDecay > 0) update = update.add(x.mul(this.opts.weightDecay));
      x.assign(x.sub(update.mul(lr)));
    });
  }

  /** The moments and step count, for a checkpoint: resuming from them continues the same optimisation. */
  async exportState(): Promise<AdamWState> {
    // Asynchronous reads: WebGPU under Node cannot read back synchronously.
    return {
      t: this.t,
      m: await Promise.all(this.m.map(async (x) => ((await x.data()) as Float32Array).slice())),
      v: await Promise.all(this.v.map(async (x) => ((await x.data()) as Float32Array).slice())),
    };
  }

  importState(state: AdamWState): void {
    if (state.m.length !== this.m.length || state.v.length !== this.v.length) {
      throw new Error(`optimizer state holds ${state.m.length} moments, the model has ${this.m.length} variables`);
    }
    tf.tidy(() => {
      this.m.forEach((x, i) => x.assign(tf.tensor(state.m[i], x.shape, 'float32')));
      this.v.forEach((x, i) => x.assign(tf.tensor(state.v[i], x.shape, 'float32')));
    });
    this.t = state.t;
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}

export interface AdamWState {
  /** Updates applied so far (the bias corrections depend on it). */
  t: number;
  /** First and second moments, parallel to the variables. */
  m: Float32Array[];
  v: Float32Array[];
}

/** Scales gradients so their global L2 norm is at most maxNorm (0 = no clipping). Returns the norm before. */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { grads: tf.Tensor[]; norm: tf.Scalar } {
  const norm = tf.sqrt(tf.addN(grads.map((g) => g.square().sum()))) as tf.Scalar;
  if (maxNorm <= 0) return { grads, norm };
  const scale = tf.minimum(1, tf.div(maxNorm, norm.add(1e-6)));
  return { grads: grads.map((g) => g.mul(scale)), norm };
}

export interface StepResult {
  loss: tf.Scalar;
  gradNorm: tf.Scalar;
  /** Extra scalars the loss function kept (entropy, clip share, KL...). Caller disposes. */
  aux: Record<string, tf.Scalar>;
}

/**
 * One forward-backward-update. `lossFn` returns the loss and may return auxiliary scalars computed
 * in the same forward pass; they survive the gradient tape's tidy through tf.keep.
 */
export function optimizerStep(
  opt: AdamW,
  lr: number,
  gradClip: number,
  lossFn: () => { loss: tf.Scalar; aux?: Record<string, tf.Scalar> },
): StepResult {
  let aux: Record<string, tf.Scalar> = {};
  const out = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const r = lossFn();
      aux = Object.fromEntries(Object.entries(r.aux ?? {}).map(([k, t]) => [k, tf.keep(t)]));
      return r.loss;
    }, opt.variables as tf.Variable[]);
    const ordered = opt.variables.map((x) => grads[x.name]);
    const clipped = clipByGlobalNorm(ordered, gradClip);
    opt.apply(clipped.grads, lr);
    return { loss: value, gradNorm: clipped.norm };
  });
  return { ...out, aux };
}

/** The update half of a step, for gradients computed elsewhere (data-parallel replicas): clip, apply. */
export function applyGradients(opt: AdamW, lr: number, gradClip: number, grads: tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => {
    const clipped = clipByGlobalNorm(grads, gradClip);
    opt.apply(clipped.grads, lr);
    return clipped.norm;
  });
}

/**
 * Reads scalars back and disposes them. Asynchronous because TF.js's WebGPU backend cannot read
 * synchronously under Node (its readSync needs OffscreenCanvas); on WASM it costs a microtask.
 */
export async function readAndDispose(scalars: Record<string, tf.Scalar>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [k, t] of Object.entries(scalars)) {
    out[k] = (await t.data())[0];
    t.dispose();
  }
  return out;
}

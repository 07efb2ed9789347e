// Packs prompt+response sequences into the flat [B, T] arrays a training step feeds the model.
// Shared by NTP (demonstrations) and RL (rollouts): targets are the next tokens, and the mask keeps
// only targets that are response tokens or the closing EOS (the loss never covers the prompt).

export interface PackedBatch {
  batch: number;
  /** Input positions per row (longest sequence minus one). */
  time: number;
  input: Int32Array; // [B, T]
  target: Int32Array; // [B, T]
  mask: Float32Array; // [B, T]
  /** Masked (scored) target positions in all. */
  tokens: number;
}

export interface SequenceParts {
  prompt: Int32Array;
  response: Int32Array;
  /** Append EOS after the response (true for demonstrations and for rollouts that stopped). */
  withEos: boolean;
}

export function packSequences(rows: readonly SequenceParts[], eosId: number): PackedBatch {
  const lengths = rows.map((r) => r.prompt.length + r.response.length + (r.withEos ? 1 : 0));
  const time = Math.max(...lengths) - 1;
  const B = rows.length;
  const input = new Int32Array(B * time).fill(eosId);
  const target = new Int32Array(B * time).fill(eosId);
  const mask = new Float32Array(B * time);
  let tokens = 0;
  rows.forEach((r, b) => {
    const seq = new Int32Array(lengths[b]);
    seq.set(r.prompt, 0);
    seq.set(r.response, r.prompt.length);
    if (r.withEos) seq[seq.length - 1] = eosId;
    const o = b * time;
    for (let t = 0; t < seq.length - 1; t++) {
      input[o + t] = seq[t];
      target[o + t] = seq[t + 1];
      // the target at t is the token at t+1: scored when it lies after the prompt
      if (t + 1 >= r.prompt.length) {
        mask[o + t] = 1;
        tokens++;
      }
    }
  });
  return { batch: B, time, input, target, mask, tokens };
}

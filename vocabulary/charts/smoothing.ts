// EMA smoothing as TensorBoard does it: exponential moving average with the start-up bias removed,
// so the first points are not dragged toward zero. Non-finite values pass through untouched and
// do not poison the average (a NaN loss stays visible as a gap instead of wiping the curve).

/** `weight` in [0, 1): 0 returns the input, 0.99 is very smooth. */
export function ema(values: readonly number[], weight: number): number[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  if (w === 0) return values.slice();
  const out = new Array<number>(values.length);
  let last = 0;
  let debias = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    debias = debias * w + (1 - w);
    out[i] = last / debias;
  }
  return out;
}

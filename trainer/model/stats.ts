// Small pure statistics used by evaluation and RL logging.

export interface LengthStats {
  median: number;
  mean: number;
  min: number;
  max: number;
}

export function lengthStats(values: ArrayLike<number>): LengthStats {
  const n = values.length;
  if (n === 0) return { median: NaN, mean: NaN, min: NaN, max: NaN };
  const sorted = Array.from(values).sort((a, b) => a - b);
  const mid = Math.floor(n / 2);
  const median = n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const mean = sorted.reduce((s, x) => s + x, 0) / n;
  return { median, mean, min: sorted[0], max: sorted[n - 1] };
}

export function share(flags: ArrayLike<boolean | number>): number {
  if (flags.length === 0) return NaN;
  let k = 0;
  for (let i = 0; i < flags.length; i++) if (flags[i]) k++;
  return k / flags.length;
}

export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN };
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const mean = s / n;
  let q = 0;
  for (let i = 0; i < n; i++) q += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(q / n) };
}

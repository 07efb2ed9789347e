// Axis ends a reader can take in at a glance: 3,000 rather than 2,999.5, 50 rather than 49.3356.

/** The smallest multiple of a tenth of `v`'s order of magnitude at or above `v` (2999.5 -> 3000, 49.34 -> 50). */
export function niceCeil(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  if (v < 0) return -niceFloor(-v);
  const unit = 10 ** (Math.floor(Math.log10(v)) - 1);
  // Divide before rounding, then fix the float noise of the multiplication (0.1 * 3 = 0.30000000000000004).
  return Number((Math.ceil(v / unit - 1e-9) * unit).toPrecision(12));
}

/** The mirror of niceCeil: the largest such multiple at or below `v` (301 -> 300, 0.37 -> 0.37). */
export function niceFloor(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  if (v < 0) return -niceCeil(-v);
  const unit = 10 ** (Math.floor(Math.log10(v)) - 1);
  return Number((Math.floor(v / unit + 1e-9) * unit).toPrecision(12));
}

/** The largest x over every panel's lines, rounded up: one x extent for all charts of a view. */
export function sharedXMax(panels: readonly { lines: readonly { x: readonly number[] }[] }[]): number | undefined {
  let max = -Infinity;
  for (const p of panels) for (const l of p.lines) if (l.x.length) max = Math.max(max, l.x[l.x.length - 1]);
  return Number.isFinite(max) ? niceCeil(max) : undefined;
}

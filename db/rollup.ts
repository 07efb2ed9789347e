// Min/max rollups of one metric series, so a compare query over millions of rows reads a few
// thousand packed buckets instead. Level L has buckets of 4^L steps (aligned to step 0); 32
// consecutive buckets form one tile, stored as a blob of Float64 records of FIELDS numbers.

export const LEVELS = [1, 2, 3, 4, 5, 6] as const;
export const TILE_BUCKETS = 32;
export const levelWidth = (level: number): number => 4 ** level;
const MAX_LEVEL = LEVELS[LEVELS.length - 1];

// Record layout of one bucket.
export const FIELDS = 10;
const N = 0, SUM = 1, MIN_V = 2, MIN_STEP = 3, MIN_SAMPLES = 4, MIN_WALL = 5;
const MAX_V = 6, MAX_STEP = 7, MAX_SAMPLES = 8, MAX_WALL = 9;

import type { KeySummary } from '../vocabulary/run-records';

export type { KeySummary };

export interface Tile {
  level: number;
  tile: number;
  data: Float64Array;
}

/** Writes one point into a bucket record at `o`. NaN values are counted nowhere: they have no extremes. */
function addToRecord(d: Float64Array, o: number, step: number, v: number, samples: number, wall: number): void {
  const first = d[o + N] === 0;
  d[o + N] += 1;
  d[o + SUM] += v;
  if (first || v < d[o + MIN_V]) {
    d[o + MIN_V] = v; d[o + MIN_STEP] = step; d[o + MIN_SAMPLES] = samples; d[o + MIN_WALL] = wall;
  }
  if (first || v > d[o + MAX_V]) {
    d[o + MAX_V] = v; d[o + MAX_STEP] = step; d[o + MAX_SAMPLES] = samples; d[o + MAX_WALL] = wall;
  }
}

/**
 * Incremental summary and rollup tiles of one (run, key) series. Points must arrive in increasing
 * step order (the recorder rebuilds a series from scratch when they do not).
 */
export class KeyRollup {
  summary: KeySummary | undefined;
  private readonly current: (Tile | undefined)[] = [];
  private readonly dirty = new Set<Tile>();

  constructor(summary?: KeySummary, latestTiles: Tile[] = []) {
    this.summary = summary ? { ...summary } : undefined;
    for (const t of latestTiles) this.current[t.level] = t;
  }

  get lastStep(): number {
    return this.summary ? this.summary.lastStep : -Infinity;
  }

  add(step: number, value: number | null, samples: number, wall: number): void {
    const v = value === null || Number.isNaN(value) ? null : value;
    const s = this.summary;
    if (!s) {
      this.summary = {
        count: 1, firstStep: step, lastStep: step, lastValue: v,
        min: v, minStep: v === null ? null : step, max: v, maxStep: v === null ? null : step,
      };
    } else {
      s.count += 1;
      s.lastStep = step;
      s.lastValue = v;
      if (v !== null) {
        if (s.min === null || v < s.min) { s.min = v; s.minStep = step; }
        if (s.max === null || v > s.max) { s.max = v; s.maxStep = step; }
      }
    }
    if (v === null) return;
    for (let level = 1, width = 4; level <= MAX_LEVEL; level++, width *= 4) {
      const bucket = Math.floor(step / width);
      const tileNo = Math.floor(bucket / TILE_BUCKETS);
      let t = this.current[level];
      if (t === undefined || t.tile !== tileNo) {
        t = { level, tile: tileNo, data: new Float64Array(TILE_BUCKETS * FIELDS) };
        this.current[level] = t;
      }
      addToRecord(t.data, (bucket - tileNo * TILE_BUCKETS) * FIELDS, step, v, samples, wall);
      this.dirty.add(t);
    }
  }

  /** Tiles changed since the last call, to be written (upserted) by the caller. */
  takeDirty(): Tile[] {
    const out = [...this.dirty.values()];
    this.dirty.clear();
    return out;
  }
}

/** Trailing empty buckets are not stored: a short series costs a few records, not full tiles. */
export function tileToBlob(t: Tile): Buffer {
  let used = TILE_BUCKETS;
  while (used > 0 && t.data[(used - 1) * FIELDS + N] === 0) used--;
  return Buffer.from(t.data.buffer, t.data.byteOffset, used * FIELDS * 8);
}

/** A stored tile widened back to full size, for appending to it. */
export function fullTile(level: number, tile: number, blob: Uint8Array): Tile {
  const data = new Float64Array(TILE_BUCKETS * FIELDS);
  data.set(blobToFloats(blob).subarray(0, data.length));
  return { level, tile, data };
}

export function blobToFloats(blob: Uint8Array): Float64Array {
  if (blob.byteOffset % 8 === 0) return new Float64Array(blob.buffer, blob.byteOffset, blob.byteLength / 8);
  // Copy when the buffer is not 8-byte aligned (a Float64Array view needs that).
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float64Array(copy.buffer);
}

/** Packs raw points as single-point bucket records so rows and tiles merge the same way. */
export function pointsToRecords(steps: number[], values: (number | null)[], samples: number[], walls: number[]): Float64Array {
  const d = new Float64Array(steps.length * FIELDS);
  let o = 0;
  for (let i = 0; i < steps.length; i++) {
    const v = values[i];
    if (v === null || Number.isNaN(v)) continue;
    addToRecord(d, o, steps[i], v, samples[i], walls[i]);
    o += FIELDS;
  }
  return d.subarray(0, o);
}

export interface Grid {
  /** 0 = read raw rows; otherwise the rollup level to read. */
  level: number;
  /** Steps per output bucket (a multiple of the level's width), buckets aligned to step 0. */
  width: number;
}

/** The coarsest rollup level and bucket width that cover [first, last] in at most `buckets` buckets. */
export function chooseGrid(first: number, last: number, buckets: number): Grid {
  const span = last - first + 1;
  const need = Math.max(1, Math.ceil(span / Math.max(1, buckets)));
  let level = 0;
  while (level < LEVELS[LEVELS.length - 1] && levelWidth(level + 1) <= need) level++;
  const unit = level === 0 ? 1 : levelWidth(level);
  let width = Math.ceil(need / unit) * unit;
  const count = (w: number) => Math.floor(last / w) - Math.floor(first / w) + 1;
  while (count(width) > buckets) width += unit;
  return { level, width };
}

export type XAxis = 'step' | 'samples' | 'wall';

/**
 * Merges bucket records (in step order) into buckets of `width` steps and emits each bucket's
 * min and max point in step order (one point when they coincide), so spikes survive.
 */
export function minMaxPoints(chunks: Iterable<Float64Array>, width: number, x: XAxis): { x: number[]; y: number[] } {
  const { xs, y } = minMaxPointsOnAxes(chunks, width, [x]);
  return { x: xs[0], y };
}

const X_FIELDS: Record<XAxis, [min: number, max: number]> = { step: [MIN_STEP, MAX_STEP], samples: [MIN_SAMPLES, MAX_SAMPLES], wall: [MIN_WALL, MAX_WALL] };

/**
 * minMaxPoints on several x axes in one pass: the points are the same on every axis (buckets are
 * by step), only their x differs. `xs[i]` is the x on `axes[i]`.
 */
export function minMaxPointsOnAxes(chunks: Iterable<Float64Array>, width: number, axes: readonly XAxis[]): { xs: number[][]; y: number[] } {
  const xs = axes.map(() => [] as number[]);
  const fields = axes.map((a) => X_FIELDS[a]);
  const ys: number[] = [];
  const acc = new Float64Array(FIELDS);
  let open = -Infinity;
  const emit = () => {
    if (acc[N] === 0) return;
    if (acc[MIN_STEP] === acc[MAX_STEP]) {
      fields.forEach(([lo], i) => xs[i].push(acc[lo]));
      ys.push(acc[MIN_V]);
    } else if (acc[MIN_STEP] < acc[MAX_STEP]) {
      fields.forEach(([lo, hi], i) => xs[i].push(acc[lo], acc[hi]));
      ys.push(acc[MIN_V], acc[MAX_V]);
    } else {
      fields.forEach(([lo, hi], i) => xs[i].push(acc[hi], acc[lo]));
      ys.push(acc[MAX_V], acc[MIN_V]);
    }
  };
  for (const d of chunks) {
    for (let o = 0; o < d.length; o += FIELDS) {
      if (d[o + N] === 0) continue;
      const b = Math.floor(d[o + MIN_STEP] / width);
      if (b !== open) {
        emit();
        acc.fill(0);
        open = b;
      }
      mergeRecord(acc, d, o);
    }
  }
  emit();
  return { xs, y: ys };
}

function mergeRecord(acc: Float64Array, d: Float64Array, o: number): void {
  const first = acc[N] === 0;
  acc[N] += d[o + N];
  acc[SUM] += d[o + SUM];
  if (first || d[o + MIN_V] < acc[MIN_V]) {
    acc[MIN_V] = d[o + MIN_V]; acc[MIN_STEP] = d[o + MIN_STEP]; acc[MIN_SAMPLES] = d[o + MIN_SAMPLES]; acc[MIN_WALL] = d[o + MIN_WALL];
  }
  if (first || d[o + MAX_V] > acc[MAX_V]) {
    acc[MAX_V] = d[o + MAX_V]; acc[MAX_STEP] = d[o + MAX_STEP]; acc[MAX_SAMPLES] = d[o + MAX_SAMPLES]; acc[MAX_WALL] = d[o + MAX_WALL];
  }
}

/** Per bucket of `width` steps: the mean value (keyed by bucket index). */
export function bucketMeans(chunks: Iterable<Float64Array>, width: number): Map<number, number> {
  const sums = new Map<number, [number, number]>();
  for (const d of chunks) {
    for (let o = 0; o < d.length; o += FIELDS) {
      if (d[o + N] === 0) continue;
      const b = Math.floor(d[o + MIN_STEP] / width);
      const s = sums.get(b);
      if (s) { s[0] += d[o + SUM]; s[1] += d[o + N]; } else sums.set(b, [d[o + SUM], d[o + N]]);
    }
  }
  const out = new Map<number, number>();
  for (const [b, [sum, n]] of sums) out.set(b, sum / n);
  return out;
}

// Seeded pseudo-random numbers. Everything random in the trainer (data, held-out set, sampling seeds)
// comes from here, so a run is reproducible from its config's seed.

/** Hashes a string into a 32-bit seed (FNV-1a), so streams can be named ("heldout", "ntp-data"). */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for data sampling (not for cryptography). */
export class Rng {
  private pos: number;

  constructor(seed: number) {
    this.pos = (seed >>> 0) ^ 0x9e3779b9;
  }

  /** An independent stream derived from a seed and a name. */
  static derive(seed: number, name: string): Rng {
    return new Rng(hashSeed(`${seed >>> 0}:${name}`));
  }

  /** The generator's position, for a checkpoint; `Rng.atPosition(p)` continues the same stream. */
  get position(): number {
    return this.pos;
  }

  static atPosition(position: number): Rng {
    const r = new Rng(0);
    r.pos = position >>> 0;
    return r;
  }

  nextUint32(): number {
    this.pos = (this.pos + 0x6d2b79f5) >>> 0;
    let t = this.pos;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  bit(): number {
    return this.nextUint32() >>> 31;
  }

  bernoulli(p: number): boolean {
    return this.float() < p;
  }
}

/**
 * The seed of stream `index` of a family (a prompt group's rollouts, a held-out prompt's sample):
 * murmur3's finalizer over base and index, so neighbouring indices get unrelated seeds.
 */
export function streamSeed(base: number, index: number): number {
  let h = (base ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

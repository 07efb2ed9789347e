import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal configs hash equally whatever their key order. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/** Seed group of a config: a short hash of the config without its top-level `seed`. */
export function groupKeyOf(config: unknown): string {
  let rest = config;
  if (config !== null && typeof config === 'object' && !Array.isArray(config)) {
    const { seed: _seed, ...others } = config as Record<string, unknown>;
    rest = others;
  }
  return createHash('sha256').update(stableStringify(rest)).digest('hex').slice(0, 16);
}

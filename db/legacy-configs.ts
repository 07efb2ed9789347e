// Configs written by an older schema, read with today's meaning of their fields (see the matching
// migrations in schema.ts). Pure: used by imports of bundles exported from older stores.
const STAR_ROUNDS_SCHEMA = 4;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A config exported at `schemaVersion`, upgraded to what it meant then (never mutates the input). */
export function upgradeLegacyConfig(config: unknown, schemaVersion: number): unknown {
  if (schemaVersion >= STAR_ROUNDS_SCHEMA || !isRecord(config) || !isRecord(config.rl)) return config;
  const rl = config.rl;
  if (rl.algorithm !== 'star' || rl.star !== undefined) return config;
  // Before schema 4 a STaR step was one gradient step on the correct rollouts.
  return { ...config, rl: { ...rl, star: { mode: 'one-step' } } };
}

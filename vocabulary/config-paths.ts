// Configs are nested JSON (task, model, ntp, rl, eval, seed, backend). The UI addresses every
// knob by its dotted path, the same names the validator's field errors and the sweep use.

export type Scalar = number | string | boolean | null;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every leaf of a config as `path -> value`; arrays are leaves (shown as JSON). */
export function flattenConfig(config: unknown, prefix = ''): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  if (!isPlainObject(config)) return out;
  for (const [key, value] of Object.entries(config)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value)) Object.assign(out, flattenConfig(value, path));
    else if (Array.isArray(value)) out[path] = JSON.stringify(value);
    else if (value === undefined) continue;
    else out[path] = value as Scalar;
  }
  return out;
}

/** Segments that would reach an object's prototype instead of one of its own keys. */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/** A dotted path that cannot address a config field; `path` names the path as given. */
export class ConfigPathError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path || '(empty path)'}: ${reason}`);
    this.name = 'ConfigPathError';
  }
}

/** The segments of a dotted path; throws ConfigPathError for empty or prototype-reaching segments. */
export function pathSegments(path: string): string[] {
  const parts = path.split('.');
  if (parts.some((p) => p === '')) throw new ConfigPathError(path, 'empty segment in a dotted config path');
  const bad = parts.find((p) => FORBIDDEN_SEGMENTS.has(p));
  if (bad !== undefined) throw new ConfigPathError(path, `'${bad}' is not a config field`);
  return parts;
}

/** The value at a dotted path, reading own properties only (never the prototype's). */
export function getPath(config: unknown, path: string): unknown {
  let node: unknown = config;
  for (const part of path.split('.')) {
    if (!isPlainObject(node) || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

/**
 * Returns a copy with one leaf set to `value`; missing, null or scalar sections on the way are
 * replaced by objects (so `rl.steps` turns RL on). Writes own properties only: a path with a
 * `__proto__`, `prototype` or `constructor` segment throws ConfigPathError. Validate after.
 */
export function setPath<T>(config: T, path: string, value: unknown): T {
  const parts = pathSegments(path);
  const root: Record<string, unknown> = isPlainObject(config) ? { ...config } : {};
  let node = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = Object.hasOwn(node, parts[i]) ? node[parts[i]] : undefined;
    const copy = isPlainObject(next) ? { ...next } : {};
    node[parts[i]] = copy;
    node = copy;
  }
  node[parts[parts.length - 1]] = value;
  return root as T;
}

export interface ConfigDiffRow {
  path: string;
  /** One value per config, in input order; undefined where the key is absent. */
  values: (Scalar | undefined)[];
}

/** Keys that label a run rather than configure it; run names head every diff column already. */
const NOT_CONFIG = new Set(['name']);

/** Only the keys whose values differ between the configs, sorted by path. */
export function diffConfigs(configs: readonly unknown[]): ConfigDiffRow[] {
  const flat = configs.map((c) => flattenConfig(c));
  const paths = new Set<string>();
  for (const f of flat) for (const p of Object.keys(f)) paths.add(p);
  const rows: ConfigDiffRow[] = [];
  for (const path of [...paths].sort(comparePaths)) {
    if (NOT_CONFIG.has(path)) continue;
    const values = flat.map((f) => (path in f ? f[path] : undefined));
    const first = values[0];
    if (values.some((v) => v !== first)) rows.push({ path, values });
  }
  return rows;
}

const SECTION_ORDER = ['task', 'model', 'ntp', 'rl', 'eval', 'seed', 'backend'];

/** Sections in the order a researcher reads a config, then alphabetical. */
export function comparePaths(a: string, b: string): number {
  const ra = sectionRank(a);
  const rb = sectionRank(b);
  return ra !== rb ? ra - rb : a.localeCompare(b);
}

function sectionRank(path: string): number {
  const i = SECTION_ORDER.indexOf(path.split('.')[0]);
  return i < 0 ? SECTION_ORDER.length : i;
}

export function formatScalar(value: Scalar | undefined): string {
  if (value === undefined) return '—';
  if (value === null) return 'null';
  return String(value);
}

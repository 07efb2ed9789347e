// A small, strict argument parser: unknown flags and missing values are errors, not surprises.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** The most runs `--concurrency` lets train at once (each still gets at least one core of the budget). */
export const MAX_CONCURRENCY = 64;

/** `--concurrency N`: how many runs of a graph train at once; undefined (not given) keeps the default. */
export function parseConcurrency(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY) {
    throw new UsageError(`--concurrency: runs at once must be a whole number from 1 to ${MAX_CONCURRENCY}, got '${raw}'`);
  }
  return n;
}

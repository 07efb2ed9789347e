// `--set a.b=value` and `--grid a.b=v1,v2`: the CLI's text becomes typed values here, and only
// here; the service and the vocabulary take typed values (setPath).
import { setPath } from '../vocabulary/config-paths';
import { UsageError } from './args';

/** A value typed on the command line: JSON where it parses (numbers, booleans, null, objects), else the raw string. */
export function parseSetValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Applies one `path=value` assignment to a copy of `config`; a bad path is a UsageError naming it. */
export function applyAssignment<T>(config: T, assignment: string): T {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set takes key=value, got '${assignment}'`);
  return applyValue(config, assignment.slice(0, eq), assignment.slice(eq + 1));
}

/** setPath with the value parsed from its text; a bad path is a UsageError naming it. */
export function applyValue<T>(config: T, path: string, raw: string): T {
  try {
    return setPath(config, path, parseSetValue(raw));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

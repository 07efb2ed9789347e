// Shared by the run-store commands (list, export, import): run id lists and error handling.
import { ApiError } from '../api/contract';
import { StoreError } from './service-session';
import { formatIdRanges } from '../vocabulary/id-list';
import { UsageError } from './args';

export interface RunIdRange {
  from: number;
  to: number;
}

/** "3", "1,4,7", "2-5,9" or "all" (null). Ranges stay ranges: `1-5000000` costs nothing until matched. */
export function parseRunIds(spec: string): RunIdRange[] | null {
  if (spec.trim() === 'all') return null;
  const ranges: RunIdRange[] = [];
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new UsageError(`--runs takes ids like 3,5-8 or all, got ${clipEcho(part)}`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new UsageError(`--runs range ${clipEcho(part)} runs backwards`);
    ranges.push({ from, to });
  }
  if (ranges.length === 0) throw new UsageError('--runs needs at least one id (or all)');
  return ranges;
}

/** The existing ids the ranges select (in the order asked, each once), and the ones asked for that do not exist. */
export function selectRunIds(ranges: readonly RunIdRange[], existing: readonly number[]): { ids: number[]; missing: string } {
  const sorted = [...existing].sort((a, b) => a - b);
  const ids: number[] = [];
  const seen = new Set<number>();
  const missing: [number, number][] = [];
  for (const { from, to } of ranges) {
    let next = from;
    for (let i = lowerBound(sorted, from); i < sorted.length && sorted[i] <= to; i++) {
      if (sorted[i] > next) missing.push([next, sorted[i] - 1]);
      next = sorted[i] + 1;
      if (!seen.has(sorted[i])) ids.push(sorted[i]);
      seen.add(sorted[i]);
    }
    if (next <= to) missing.push([next, to]);
  }
  return { ids, missing: formatIdRanges(missing) };
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A user's text echoed in an error stays one short line. */
function clipEcho(text: string, max = 60): string {
  return text.length <= max ? `'${text}'` : `'${text.slice(0, max)}…' (${text.length.toLocaleString('en')} characters)`;
}

/** Runs a command body: usage errors exit 2, store and service errors (bad file, unknown run) exit 1, both as one line. */
export async function withStoreErrors(command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`workbench ${command}: ${err.message}\n(workbench ${command} --help for usage)\n`);
      return 2;
    }
    // The store's errors (bad file, unknown run) and the service's refusals: both name what is wrong.
    if (err instanceof StoreError || err instanceof ApiError) {
      process.stderr.write(`workbench ${command}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

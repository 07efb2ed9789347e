// Shared by the run-store commands (list, export, import): run id lists and error handling.
import { StoreError } from '../db';
import { UsageError } from './args';

/** "3", "1,4,7", "2-5,9" or "all" (null). */
export function parseRunIds(spec: string): number[] | null {
  if (spec.trim() === 'all') return null;
  const ids: number[] = [];
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new UsageError(`--runs takes ids like 3,5-8 or all, got '${part}'`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new UsageError(`--runs range ${part} runs backwards`);
    for (let id = from; id <= to; id++) ids.push(id);
  }
  if (ids.length === 0) throw new UsageError('--runs needs at least one id (or all)');
  return [...new Set(ids)];
}

/** Runs a command body: usage errors exit 2, store errors (bad file, unknown run) exit 1, both as one line. */
export async function withStoreErrors(command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`workbench ${command}: ${err.message}\n(workbench ${command} --help for usage)\n`);
      return 2;
    }
    if (err instanceof StoreError) {
      process.stderr.write(`workbench ${command}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
